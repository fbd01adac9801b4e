/*
 * ignore_pending.c: asks to go offline asynchronously, then online at once, and takes
 * the E_PENDING it gets for success: it believes it is online while Outlook ends offline.
 * The checker reports R5 on the trace.
 */
#include "mapioffline.h"
#include "sink.h"

int main(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    ULONG state = 0;
    HRESULT hr;
    HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    hr = mgr->lpVtbl->SetCurrentState(mgr, MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                      MAPIOFFLINE_STATE_OFFLINE, NULL);
    printf("SetCurrentState(OFFLINE) = %s\n", hr_name(hr));
    hr = mgr->lpVtbl->SetCurrentState(mgr, MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                      MAPIOFFLINE_STATE_ONLINE, NULL);
    printf("SetCurrentState(ONLINE) = %s\n", hr_name(hr));
    if (hr != E_INVALIDARG) /* the mistake: E_PENDING is not "done" */
        printf("client believes: online\n");
    MAPIOfflineSim_RunUntilIdle();
    mgr->lpVtbl->GetCurrentState(mgr, &state);
    printf("Outlook says: %s\n", state_name(state & MAPIOFFLINE_STATE_OFFLINE_MASK));
    mgr->lpVtbl->Release(mgr);
    MAPIOfflineSim_Shutdown(NULL, 0);
    return 0;
}
