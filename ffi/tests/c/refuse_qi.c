/*
 * refuse_qi.c: a sink whose QueryInterface refuses IID_IMAPIOfflineNotify. Advise asks it
 * (ADV-9) and answers E_NOINTERFACE; the sink's reference count is back where it was.
 */
#include "mapioffline.h"
#include "sink.h"

int main(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    LogSink sink;
    ULONG token = 0, caps = 0;
    MAPIOFFLINE_ADVISEINFO ai;
    HRESULT hr;
    LogSink_Init(&sink, "refuser");
    sink.refuse_qi = 1;
    HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    mgr->lpVtbl->GetCapabilities(mgr, &caps);
    ai = advise_info(&sink, 1);
    hr = mgr->lpVtbl->Advise(mgr, MAPIOFFLINE_ADVISE_DEFAULT, &ai, &token);
    printf("Advise = %s, sink references %d\n", hr_name(hr), (int)sink.refs);
    hr = mgr->lpVtbl->SetCurrentState(mgr, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                      MAPIOFFLINE_STATE_OFFLINE, NULL);
    printf("SetCurrentState = %s (no notification for a refused sink)\n", hr_name(hr));
    mgr->lpVtbl->Release(mgr);
    MAPIOfflineSim_Shutdown(NULL, 0);
    return 0;
}
