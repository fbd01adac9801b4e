/*
 * reentrant.c: calls made from inside Notify. "once" unadvises itself at START and hears
 * nothing more of that change (UNADV-4); "again" asks for ONLINE from inside DONE and gets
 * E_PENDING (NTF-8: the change is in progress until DONE returns), then unadvises and
 * reads the state from inside Notify. Nothing is lost, duplicated or deadlocked.
 */
#include "mapioffline.h"
#include "sink.h"

static IMAPIOfflineMgr *g_mgr;

static void unadvise_at_start(LogSink *self, const MAPIOFFLINE_NOTIFY *n)
{
    if (n->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START) {
        HRESULT hr = g_mgr->lpVtbl->Unadvise(g_mgr, 0, self->token);
        printf("%s: Unadvise from inside Notify = %s\n", self->name, hr_name(hr));
    }
}

static void set_state_at_done(LogSink *self, const MAPIOFFLINE_NOTIFY *n)
{
    if (n->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE) {
        ULONG s = 0;
        HRESULT hr = g_mgr->lpVtbl->SetCurrentState(g_mgr, MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                                    MAPIOFFLINE_STATE_ONLINE, NULL);
        printf("%s: SetCurrentState(ONLINE) from inside Notify = %s\n", self->name, hr_name(hr));
        hr = g_mgr->lpVtbl->GetCurrentState(g_mgr, &s);
        printf("%s: GetCurrentState from inside Notify = %s, %s\n", self->name, hr_name(hr),
               state_name(s & MAPIOFFLINE_STATE_OFFLINE_MASK));
        hr = g_mgr->lpVtbl->Unadvise(g_mgr, 0, self->token);
        printf("%s: Unadvise from inside Notify = %s\n", self->name, hr_name(hr));
    }
}

int main(void)
{
    LogSink once, again;
    MAPIOFFLINE_ADVISEINFO ai;
    ULONG caps = 0;
    HRESULT hr;
    HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &g_mgr);
    g_mgr->lpVtbl->GetCapabilities(g_mgr, &caps);
    LogSink_Init(&once, "once");
    once.react = unadvise_at_start;
    LogSink_Init(&again, "again");
    again.react = set_state_at_done;
    ai = advise_info(&once, 1);
    g_mgr->lpVtbl->Advise(g_mgr, 0, &ai, &once.token);
    ai = advise_info(&again, 2);
    g_mgr->lpVtbl->Advise(g_mgr, 0, &ai, &again.token);

    hr = g_mgr->lpVtbl->SetCurrentState(g_mgr, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                        MAPIOFFLINE_STATE_OFFLINE, NULL);
    printf("SetCurrentState(BLOCK, OFFLINE) = %s\n", hr_name(hr));
    printf("references: once %d, again %d\n", (int)once.refs, (int)again.refs);
    hr = g_mgr->lpVtbl->SetCurrentState(g_mgr, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                        MAPIOFFLINE_STATE_ONLINE, NULL);
    printf("SetCurrentState(BLOCK, ONLINE) = %s (nobody is registered)\n", hr_name(hr));
    g_mgr->lpVtbl->Release(g_mgr);
    printf("Shutdown = %s\n", hr_name(MAPIOfflineSim_Shutdown(NULL, 0)));
    return 0;
}
