/*
 * unmasked.c: compares GetCurrentState's value with and without the mask. The world comes
 * from MAPIOFFLINE_WORLD (a scenario file setting extra state bits, CUR-2), so only the
 * masked comparison sees ONLINE.
 */
#include "mapioffline.h"
#include "sink.h"

int main(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    ULONG state = 0;
    HRESULT hr = HrOpenOfflineObj(0, u"Work", &GUID_GlobalState, NULL, &mgr);
    printf("HrOpenOfflineObj(Work) = %s\n", hr_name(hr));
    if (FAILED(hr))
        return 1;
    hr = mgr->lpVtbl->GetCurrentState(mgr, &state);
    printf("GetCurrentState = %s, value 0x%X\n", hr_name(hr), (unsigned)state);
    printf("unmasked: %s\n", state == MAPIOFFLINE_STATE_ONLINE ? "online" : "not online (wrong)");
    printf("masked: %s\n", (state & MAPIOFFLINE_STATE_OFFLINE_MASK) == MAPIOFFLINE_STATE_ONLINE ? "online" : "not online");
    /* The bits can also change at run time. */
    printf("SetExtraStateBits = %s\n", hr_name(MAPIOfflineSim_SetExtraStateBits(0x40)));
    mgr->lpVtbl->GetCurrentState(mgr, &state);
    printf("GetCurrentState value 0x%X\n", (unsigned)state);
    mgr->lpVtbl->Release(mgr);
    return 0;
}
