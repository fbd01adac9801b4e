/*
 * sink.h: what the C test clients share: a logging IMAPIOfflineNotify written the way a C
 * client writes one (an object whose first member is the interface, a vtable filled in by
 * hand, a reference count), and names for HRESULTs and values, as the sample add-in's
 * Notify logs them (unknown values in hex).
 */
#ifndef TEST_SINK_H
#define TEST_SINK_H

#include "mapioffline.h"
#include <stdio.h>

static inline const char *hr_name(HRESULT hr)
{
    static char buf[16];
    switch (hr) {
    case S_OK: return "S_OK";
    case E_PENDING: return "E_PENDING";
    case E_INVALIDARG: return "E_INVALIDARG";
    case E_NOINTERFACE: return "E_NOINTERFACE";
    case E_NOTIMPL: return "E_NOTIMPL";
    case E_UNEXPECTED: return "E_UNEXPECTED";
    case E_FAIL: return "E_FAIL";
    case RPC_E_WRONG_THREAD: return "RPC_E_WRONG_THREAD";
    case MAPI_E_NOT_FOUND: return "MAPI_E_NOT_FOUND";
    default: snprintf(buf, sizeof buf, "0x%08X", (unsigned)hr); return buf;
    }
}

static inline const char *state_name(ULONG s)
{
    static char buf[4][16];
    static int next;
    char *b;
    if (s == MAPIOFFLINE_STATE_ONLINE) return "ONLINE";
    if (s == MAPIOFFLINE_STATE_OFFLINE) return "OFFLINE";
    b = buf[next++ % 4];
    snprintf(b, 16, "0x%X", (unsigned)s);
    return b;
}

static inline const char *type_name(ULONG t)
{
    static char buf[16];
    switch (t) {
    case MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START: return "START";
    case MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE: return "STATECHANGE";
    case MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE: return "DONE";
    default: snprintf(buf, sizeof buf, "0x%X", (unsigned)t); return buf;
    }
}

typedef struct LogSink LogSink;
struct LogSink {
    IMAPIOfflineNotify iface; /* first: a pointer to the sink is a pointer to its interface */
    LONG refs;
    const char *name;
    int refuse_qi;                                         /* QueryInterface refuses IID_IMAPIOfflineNotify */
    void (*react)(LogSink *self, const MAPIOFFLINE_NOTIFY *n); /* what Notify does after logging */
    ULONG token;                                           /* the advise token, for reactions */
};

static HRESULT STDMETHODCALLTYPE LogSink_QueryInterface(IMAPIOfflineNotify *This, REFIID riid, void **ppv)
{
    LogSink *self = (LogSink *)This;
    if (IsEqualIID(riid, &IID_IUnknown) || (IsEqualIID(riid, &IID_IMAPIOfflineNotify) && !self->refuse_qi)) {
        *ppv = This;
        self->refs++;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE LogSink_AddRef(IMAPIOfflineNotify *This)
{
    return (ULONG)++((LogSink *)This)->refs;
}

static ULONG STDMETHODCALLTYPE LogSink_Release(IMAPIOfflineNotify *This)
{
    return (ULONG)--((LogSink *)This)->refs;
}

static void STDMETHODCALLTYPE LogSink_Notify(IMAPIOfflineNotify *This, const MAPIOFFLINE_NOTIFY *n)
{
    LogSink *self = (LogSink *)This;
    /* NTF-5: read Info only for the three types with the offline mask. */
    if (n->NotifyType >= MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START &&
        n->NotifyType <= MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE &&
        n->Info.StateChange.ulMask == MAPIOFFLINE_STATE_OFFLINE_MASK)
        printf("%s: Notify %s token=%u %s->%s\n", self->name, type_name(n->NotifyType),
               (unsigned)n->ulClientToken, state_name(n->Info.StateChange.ulStateOld),
               state_name(n->Info.StateChange.ulStateNew));
    else
        printf("%s: Notify ignored: NotifyType=%s ulMask=0x%X\n", self->name, type_name(n->NotifyType),
               (unsigned)n->Info.StateChange.ulMask);
    if (self->react)
        self->react(self, n);
}

static const IMAPIOfflineNotifyVtbl LogSink_Vtbl = {
    LogSink_QueryInterface, LogSink_AddRef, LogSink_Release, LogSink_Notify,
};

static inline void LogSink_Init(LogSink *s, const char *name)
{
    s->iface.lpVtbl = &LogSink_Vtbl;
    s->refs = 1;
    s->name = name;
    s->refuse_qi = 0;
    s->react = NULL;
    s->token = 0;
}

static inline MAPIOFFLINE_ADVISEINFO advise_info(LogSink *s, ULONG client_token)
{
    MAPIOFFLINE_ADVISEINFO ai;
    ai.ulSize = sizeof ai;
    ai.ulClientToken = client_token;
    ai.CallbackType = MAPIOFFLINE_CALLBACK_TYPE_NOTIFY;
    ai.pCallback = (IUnknown *)s;
    ai.ulAdviseTypes = MAPIOFFLINE_ADVISE_TYPE_STATECHANGE;
    ai.ulStateMask = MAPIOFFLINE_STATE_ALL;
    return ai;
}

#endif
