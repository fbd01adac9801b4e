/*
 * monitor.c: the sample add-in's Init Monitor and Deinit Monitor (contract section 8),
 * its GetCurrentState and SetCurrentState menu items in between, logging every
 * notification. A clean client: the test asserts its output line by line and that the
 * checker finds nothing in its trace.
 */
#include "mapioffline.h"
#include "sink.h"

static LogSink g_sink;
static IMAPIOfflineMgr *g_mgr;
static ULONG g_token;

static HRESULT InitMonitor(LPCWSTR profile)
{
    IMAPIOffline *pOffline = NULL;
    ULONG caps = 0;
    HRESULT hr = HrOpenOfflineObj(0, profile, &GUID_GlobalState, NULL, &g_mgr);
    printf("Init Monitor: HrOpenOfflineObj = %s\n", hr_name(hr));
    if (FAILED(hr))
        return hr;
    hr = g_mgr->lpVtbl->QueryInterface(g_mgr, &IID_IMAPIOffline, (void **)&pOffline);
    printf("Init Monitor: QueryInterface(IID_IMAPIOffline) = %s\n", hr_name(hr));
    if (FAILED(hr))
        return hr;
    hr = pOffline->lpVtbl->GetCapabilities(pOffline, &caps);
    printf("Init Monitor: GetCapabilities = %s, caps 0x%X\n", hr_name(hr), (unsigned)caps);
    if (SUCCEEDED(hr) && (caps & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE))) {
        MAPIOFFLINE_ADVISEINFO ai = advise_info(&g_sink, 0);
        hr = g_mgr->lpVtbl->Advise(g_mgr, MAPIOFFLINE_ADVISE_DEFAULT, &ai, &g_token);
        printf("Init Monitor: Advise = %s, token %u, sink references %d\n", hr_name(hr), (unsigned)g_token,
               (int)g_sink.refs);
    }
    pOffline->lpVtbl->Release(pOffline);
    return hr;
}

static void DeinitMonitor(void)
{
    HRESULT hr = g_mgr->lpVtbl->Unadvise(g_mgr, MAPIOFFLINE_UNADVISE_DEFAULT, g_token);
    printf("Deinit Monitor: Unadvise = %s, sink references %d\n", hr_name(hr), (int)g_sink.refs);
    printf("Deinit Monitor: Release = %u\n", (unsigned)g_mgr->lpVtbl->Release(g_mgr));
    g_mgr = NULL;
}

/* The GetCurrentState and SetCurrentState menu items: open, QI, call, release. */
static void MenuGetCurrentState(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    IMAPIOffline *pOffline = NULL;
    ULONG state = 0;
    HRESULT hr = HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    if (FAILED(hr))
        return;
    hr = mgr->lpVtbl->QueryInterface(mgr, &IID_IMAPIOffline, (void **)&pOffline);
    if (SUCCEEDED(hr)) {
        hr = pOffline->lpVtbl->GetCurrentState(pOffline, &state);
        printf("GetCurrentState = %s, %s\n", hr_name(hr), state_name(state & MAPIOFFLINE_STATE_OFFLINE_MASK));
        pOffline->lpVtbl->Release(pOffline);
    }
    mgr->lpVtbl->Release(mgr);
}

static void MenuSetCurrentState(ULONG flags, ULONG state)
{
    IMAPIOfflineMgr *mgr = NULL;
    IMAPIOffline *pOffline = NULL;
    HRESULT hr = HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    if (FAILED(hr))
        return;
    hr = mgr->lpVtbl->QueryInterface(mgr, &IID_IMAPIOffline, (void **)&pOffline);
    if (SUCCEEDED(hr)) {
        hr = pOffline->lpVtbl->SetCurrentState(pOffline, flags, MAPIOFFLINE_STATE_OFFLINE_MASK, state, NULL);
        printf("SetCurrentState(%s, %s) = %s\n", flags == MAPIOFFLINE_FLAG_BLOCK ? "BLOCK" : "DEFAULT",
               state_name(state), hr_name(hr));
        pOffline->lpVtbl->Release(pOffline);
    }
    mgr->lpVtbl->Release(mgr);
}

int main(void)
{
    LogSink_Init(&g_sink, "monitor");
    if (FAILED(InitMonitor(u"Outlook")))
        return 1;
    MenuGetCurrentState();
    /* Blocking: the three notifications arrive inside the call. */
    MenuSetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE);
    MenuGetCurrentState();
    /* Asynchronous: the call returns at once; the phases come as time passes. */
    MenuSetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_ONLINE);
    printf("RunUntilIdle = %s\n", hr_name(MAPIOfflineSim_RunUntilIdle()));
    MenuGetCurrentState();
    DeinitMonitor();
    printf("Shutdown = %s\n", hr_name(MAPIOfflineSim_Shutdown(NULL, 0)));
    return 0;
}
