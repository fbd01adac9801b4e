/*
 * control.c: a test that sets up its own world with the control API: a configuration
 * (x86 structure sizes, phase spacing 2), profiles named from UTF-8 and wchar_t, network
 * loss and return with virtual time, an injected notification, extra capability bits,
 * the trace as text and the shutdown report in a buffer.
 */
#include "mapioffline.h"
#include "sink.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int main(void)
{
    MAPIOFFLINE_SIM_CONFIG cfg;
    WCHAR office[32], outside[32];
    IMAPIOfflineMgr *mgr = NULL, *other = NULL;
    MAPIOFFLINE_ADVISEINFO ai;
    LogSink sink;
    ULONG caps = 0, token = 0;
    char report[512];
    HRESULT hr;

    memset(&cfg, 0, sizeof cfg);
    cfg.ulSize = sizeof cfg;
    cfg.ulArch = MAPIOFFLINE_SIM_ARCH_X86;
    cfg.ulPhaseSpacing = 2;
    printf("Reset(x86, spacing 2) = %s\n", hr_name(MAPIOfflineSim_Reset(&cfg)));
    cfg.ulSize = 3;
    printf("Reset(ulSize 3) = %s\n", hr_name(MAPIOfflineSim_Reset(&cfg)));

    printf("Utf8ToWide(B\xc3\xbcro) = %s\n", hr_name(MAPIOfflineSim_Utf8ToWide("B\xc3\xbcro", office, 32)));
    printf("Utf8ToWide into 3 units = %s\n", hr_name(MAPIOfflineSim_Utf8ToWide("B\xc3\xbcro", outside, 3)));
    printf("WcharToWide(L\"Outside\") = %s\n", hr_name(MAPIOfflineSim_WcharToWide(L"Outside", outside, 32)));
    printf("AddProfile = %s\n", hr_name(MAPIOfflineSim_AddProfile(office, MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE,
                                                                MAPIOFFLINE_STATE_ONLINE, FALSE, FALSE)));
    printf("AddProfile again = %s\n", hr_name(MAPIOfflineSim_AddProfile(office, 3, MAPIOFFLINE_STATE_ONLINE, FALSE, FALSE)));
    printf("AddProfile(state 7) = %s\n", hr_name(MAPIOfflineSim_AddProfile(outside, 3, 7, TRUE, FALSE)));
    printf("AddProfile(outside) = %s\n", hr_name(MAPIOfflineSim_AddProfile(outside, 3, MAPIOFFLINE_STATE_ONLINE, TRUE, FALSE)));

    printf("open outside Outlook = %s\n", hr_name(HrOpenOfflineObj(0, outside, &GUID_GlobalState, NULL, &other)));
    hr = HrOpenOfflineObj(0, office, &GUID_GlobalState, NULL, &mgr);
    printf("open = %s\n", hr_name(hr));
    mgr->lpVtbl->GetCapabilities(mgr, &caps);
    LogSink_Init(&sink, "sink");
    ai = advise_info(&sink, 9);
    printf("Advise(ulSize %u) = %s\n", (unsigned)ai.ulSize, hr_name(mgr->lpVtbl->Advise(mgr, 0, &ai, &token)));
    ai.ulSize = 24; /* what a 32-bit client passes */
    printf("Advise(ulSize 24) = %s\n", hr_name(mgr->lpVtbl->Advise(mgr, 0, &ai, &token)));

    printf("network down = %s\n", hr_name(MAPIOfflineSim_SetNetwork(FALSE)));
    printf("advance 2 = %s\n", hr_name(MAPIOfflineSim_Advance(2)));
    printf("advance 2 = %s\n", hr_name(MAPIOfflineSim_Advance(2)));
    printf("run until idle = %s\n", hr_name(MAPIOfflineSim_RunUntilIdle()));
    printf("network up = %s\n", hr_name(MAPIOfflineSim_SetNetwork(TRUE)));
    printf("run until idle = %s\n", hr_name(MAPIOfflineSim_RunUntilIdle()));
    printf("server down = %s\n", hr_name(MAPIOfflineSim_SetServer(office, FALSE)));
    printf("server of nobody = %s\n", hr_name(MAPIOfflineSim_SetServer(u"Nobody", FALSE)));
    printf("run until idle = %s\n", hr_name(MAPIOfflineSim_RunUntilIdle()));

    printf("inject 0x40 = %s\n", hr_name(MAPIOfflineSim_Inject(mgr, 0x40, MAPIOFFLINE_STATE_OFFLINE_MASK, 1, 2)));
    printf("inject a forged START = %s\n", hr_name(MAPIOfflineSim_Inject(mgr, 1, MAPIOFFLINE_STATE_OFFLINE_MASK, 2, 1)));
    printf("extra capability bits = %s\n", hr_name(MAPIOfflineSim_SetExtraCapabilityBits(mgr, 0x100)));
    mgr->lpVtbl->GetCapabilities(mgr, &caps);
    printf("GetCapabilities 0x%X\n", (unsigned)caps);

    mgr->lpVtbl->Unadvise(mgr, 0, token);
    mgr->lpVtbl->Release(mgr);
    printf("WriteTrace(text) = %s\n", hr_name(MAPIOfflineSim_WriteTrace(getenv("CONTROL_TRACE_TXT"), MAPIOFFLINE_SIM_TRACE_TEXT)));
    printf("WriteTrace(format 5) = %s\n", hr_name(MAPIOfflineSim_WriteTrace(getenv("CONTROL_TRACE_TXT"), 5)));
    hr = MAPIOfflineSim_Shutdown(report, sizeof report);
    printf("Shutdown = %s\n", hr_name(hr));
    *strchr(report, '\n') = 0;
    printf("report: %s\n", report);
    printf("Advance after shutdown = %s\n", hr_name(MAPIOfflineSim_Advance(1)));

    /* A new world from a scenario file's world statements. */
    printf("LoadWorld(NULL) = %s\n", hr_name(MAPIOfflineSim_LoadWorld(NULL)));
    printf("LoadWorld(missing) = %s\n", hr_name(MAPIOfflineSim_LoadWorld("/nonexistent/world.scn")));
    printf("LoadWorld = %s\n", hr_name(MAPIOfflineSim_LoadWorld(getenv("CONTROL_WORLD"))));
    hr = HrOpenOfflineObj(0, u"Work", &GUID_GlobalState, NULL, &mgr);
    printf("open Work = %s\n", hr_name(hr));
    mgr->lpVtbl->Release(mgr);
    return 0;
}
