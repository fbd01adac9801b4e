/*
 * leaky_provider.c: a provider that takes a second reference it never releases and
 * exits without Unadvise. The library's exit handler shuts Outlook down, prints the report
 * and writes the trace named by MAPIOFFLINE_TRACE; `mapioffline check` reports R3 and R4.
 */
#include "mapioffline.h"
#include "sink.h"

static LogSink g_sink;

int main(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    ULONG caps = 0, token = 0;
    MAPIOFFLINE_ADVISEINFO ai;
    HRESULT hr = HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    printf("HrOpenOfflineObj = %s\n", hr_name(hr));
    LogSink_Init(&g_sink, "provider");
    mgr->lpVtbl->GetCapabilities(mgr, &caps);
    ai = advise_info(&g_sink, 42);
    hr = mgr->lpVtbl->Advise(mgr, MAPIOFFLINE_ADVISE_DEFAULT, &ai, &token);
    printf("Advise = %s, token %u\n", hr_name(hr), (unsigned)token);
    printf("AddRef = %u\n", (unsigned)mgr->lpVtbl->AddRef(mgr));
    printf("Release = %u\n", (unsigned)mgr->lpVtbl->Release(mgr));
    /* Forgot: Unadvise(token) and the last Release. */
    return 0;
}
