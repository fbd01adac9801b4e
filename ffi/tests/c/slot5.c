/*
 * slot5.c: GetCurrentState as shipping code calls it, through vtable slot 5 (offset 0x28 on
 * x64) of the manager, not by name; and a placeholder slot, which a client must never call.
 */
#include "mapioffline.h"
#include "sink.h"

typedef HRESULT(STDMETHODCALLTYPE *GETSTATE)(IMAPIOfflineMgr *, ULONG *);
typedef HRESULT(STDMETHODCALLTYPE *SLOT)(IMAPIOfflineMgr *);

int main(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    ULONG state = 0;
    void *const *vtbl;
    GETSTATE get;
    SLOT placeholder;
    HRESULT hr;
    HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    vtbl = (void *const *)mgr->lpVtbl;
    get = (GETSTATE)(*(void *const *)((const char *)vtbl + 0x28));
    hr = get(mgr, &state);
    printf("vtable offset 0x28: %s, %s\n", hr_name(hr), state_name(state));
    printf("slot 5 is GetCurrentState: %s\n", vtbl[5] == (void *)mgr->lpVtbl->GetCurrentState ? "yes" : "no");
    placeholder = (SLOT)vtbl[6];
    printf("slot 6 (placeholder) = %s\n", hr_name(placeholder(mgr)));
    placeholder = (SLOT)vtbl[15];
    printf("slot 15 (placeholder) = %s\n", hr_name(placeholder(mgr)));
    mgr->lpVtbl->Release(mgr);
    MAPIOfflineSim_Shutdown(NULL, 0);
    /* After Outlook ended: answered, and in the trace written at exit. */
    printf("after shutdown: %s\n", hr_name(get(mgr, &state)));
    return 0;
}
