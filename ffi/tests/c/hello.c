/* hello.c: the smallest client. Build and run it as the README shows. */
#include <mapioffline.h>
#include <stdio.h>

int main(void)
{
    IMAPIOfflineMgr *pMgr = NULL;
    ULONG ulState = 0;
    HRESULT hr = HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &pMgr);
    if (FAILED(hr)) {
        printf("HrOpenOfflineObj failed: 0x%08X\n", (unsigned)hr);
        return 1;
    }
    hr = pMgr->lpVtbl->GetCurrentState(pMgr, &ulState);
    printf("GetCurrentState: 0x%08X, %s\n", (unsigned)hr,
           (ulState & MAPIOFFLINE_STATE_OFFLINE_MASK) == MAPIOFFLINE_STATE_ONLINE ? "online" : "offline");
    pMgr->lpVtbl->Release(pMgr);
    return 0;
}
