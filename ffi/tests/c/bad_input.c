/*
 * bad_input.c: what a careless client passes. Every call answers with the documented or
 * the simulator's HRESULT and a diagnostic, never a crash; a panic inside the library
 * becomes E_UNEXPECTED; a call from another thread gets RPC_E_WRONG_THREAD.
 */
#include "mapioffline.h"
#include "sink.h"
#include <pthread.h>

HRESULT mapioffline_test_panic(void); /* test-only export, not in the header */

static IMAPIOfflineMgr *g_mgr;
static HRESULT g_thread_hr;

static void *other_thread(void *arg)
{
    ULONG state = 0;
    (void)arg;
    g_thread_hr = g_mgr->lpVtbl->GetCurrentState(g_mgr, &state);
    return NULL;
}

int main(void)
{
    IMAPIOfflineMgr *mgr = NULL;
    IMAPIOfflineMgr fake; /* never handed out by the library */
    ULONG state = 0, token = 0;
    MAPIOFFLINE_ADVISEINFO ai;
    LogSink sink;
    pthread_t t;
    HRESULT hr;

    printf("open NULL profile = %s\n", hr_name(HrOpenOfflineObj(0, NULL, &GUID_GlobalState, NULL, &mgr)));
    printf("open unknown profile = %s\n", hr_name(HrOpenOfflineObj(0, u"Nobody", &GUID_GlobalState, NULL, &mgr)));
    printf("open wrong GUID = %s\n", hr_name(HrOpenOfflineObj(0, u"Outlook", &IID_IMAPIOffline, NULL, &mgr)));
    printf("open with garbage pReserved = %s\n",
           hr_name(HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, (const GUID *)(uintptr_t)0x10, &mgr)));
    printf("open NULL out = %s\n", hr_name(HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, NULL)));
    hr = HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    printf("open = %s\n", hr_name(hr));
    g_mgr = mgr;

    printf("GetCurrentState(NULL) = %s\n", hr_name(mgr->lpVtbl->GetCurrentState(mgr, NULL)));
    printf("SetCurrentState(garbage state) = %s\n",
           hr_name(mgr->lpVtbl->SetCurrentState(mgr, 0, MAPIOFFLINE_STATE_OFFLINE_MASK, 0x77, NULL)));
    printf("SetCurrentState(garbage flags) = %s\n",
           hr_name(mgr->lpVtbl->SetCurrentState(mgr, 0x5, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)));
    printf("Advise(NULL info) = %s\n", hr_name(mgr->lpVtbl->Advise(mgr, 0, NULL, &token)));
    LogSink_Init(&sink, "sink");
    ai = advise_info(&sink, 1);
    ai.ulSize = 24; /* a 32-bit client's size */
    printf("Advise(ulSize 24) = %s\n", hr_name(mgr->lpVtbl->Advise(mgr, 0, &ai, &token)));
    ai = advise_info(&sink, 1);
    ai.CallbackType = (MAPIOFFLINE_CALLBACK_TYPE)7;
    printf("Advise(CallbackType 7) = %s\n", hr_name(mgr->lpVtbl->Advise(mgr, 0, &ai, &token)));
    ai = advise_info(&sink, 1);
    ai.pCallback = NULL;
    printf("Advise(NULL pCallback) = %s\n", hr_name(mgr->lpVtbl->Advise(mgr, 0, &ai, &token)));
    printf("sink references %d\n", (int)sink.refs);

    /* A pointer the library never handed out, called through the library's vtable. */
    fake.lpVtbl = mgr->lpVtbl;
    printf("GetCurrentState on a foreign pointer = %s\n", hr_name(fake.lpVtbl->GetCurrentState(&fake, &state)));
    printf("GetCurrentState on NULL = %s\n", hr_name(mgr->lpVtbl->GetCurrentState(NULL, &state)));
    {
        void *pv = NULL;
        printf("QueryInterface(NULL riid) = %s\n", hr_name(mgr->lpVtbl->QueryInterface(mgr, NULL, &pv)));
    }

    printf("panic inside the library = %s\n", hr_name(mapioffline_test_panic()));
    printf("after the panic, GetCurrentState = %s\n", hr_name(mgr->lpVtbl->GetCurrentState(mgr, &state)));

    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, NULL);
    printf("from another thread = %s\n", hr_name(g_thread_hr));

    printf("Release = %u\n", (unsigned)mgr->lpVtbl->Release(mgr));
    printf("GetCurrentState after the last Release = %s\n", hr_name(mgr->lpVtbl->GetCurrentState(mgr, &state)));
    printf("Release below zero = %u\n", (unsigned)mgr->lpVtbl->Release(mgr));
    printf("Shutdown = %s\n", hr_name(MAPIOfflineSim_Shutdown(NULL, 0)));
    printf("Shutdown again = %s\n", hr_name(MAPIOfflineSim_Shutdown(NULL, 0)));
    printf("GetCurrentState after shutdown = %s\n", hr_name(mgr->lpVtbl->GetCurrentState(mgr, &state)));
    MAPIOfflineSim_Reset(NULL);
    printf("GetCurrentState after reset = %s\n", hr_name(mgr->lpVtbl->GetCurrentState(mgr, &state)));
    return 0;
}
