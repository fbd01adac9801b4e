// cpp_client.cpp: a client written the way Windows C++ clients are: a sink class
// implementing IMAPIOfflineNotify with STDMETHOD, interfaces called as methods
// (pMgr->Advise(...)), the same header.
#include "mapioffline.h"
#include <cstdio>

class CMonitor : public IMAPIOfflineNotify
{
public:
    CMonitor() : m_cRef(1) {}

    STDMETHOD(QueryInterface)(REFIID riid, void **ppv)
    {
        if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IMAPIOfflineNotify)) {
            *ppv = static_cast<IMAPIOfflineNotify *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = NULL;
        return E_NOINTERFACE;
    }
    STDMETHOD_(ULONG, AddRef)() { return ++m_cRef; }
    STDMETHOD_(ULONG, Release)() { return --m_cRef; } // lives on the stack of main
    STDMETHOD_(void, Notify)(const MAPIOFFLINE_NOTIFY *pNotifyInfo)
    {
        if (pNotifyInfo->Info.StateChange.ulMask != MAPIOFFLINE_STATE_OFFLINE_MASK)
            return;
        std::printf("CMonitor::Notify type %d token %u new state %s\n", (int)pNotifyInfo->NotifyType,
                    (unsigned)pNotifyInfo->ulClientToken,
                    pNotifyInfo->Info.StateChange.ulStateNew == MAPIOFFLINE_STATE_OFFLINE ? "offline" : "online");
    }
    LONG m_cRef;
};

int main()
{
    IMAPIOfflineMgr *pMgr = NULL;
    HRESULT hr = HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &pMgr);
    std::printf("HrOpenOfflineObj: %s\n", SUCCEEDED(hr) ? "ok" : "failed");
    if (FAILED(hr))
        return 1;

    IMAPIOffline *pOffline = NULL;
    hr = pMgr->QueryInterface(IID_IMAPIOffline, reinterpret_cast<void **>(&pOffline));
    ULONG ulCaps = 0;
    hr = pOffline->GetCapabilities(&ulCaps);
    std::printf("GetCapabilities: 0x%X\n", (unsigned)ulCaps);

    CMonitor monitor;
    MAPIOFFLINE_ADVISEINFO ai = {sizeof(ai), 5, MAPIOFFLINE_CALLBACK_TYPE_NOTIFY, &monitor,
                                 MAPIOFFLINE_ADVISE_TYPE_STATECHANGE, MAPIOFFLINE_STATE_ALL};
    ULONG ulToken = 0;
    hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &ai, &ulToken);
    std::printf("Advise: %s, references on the monitor %d\n", hr == S_OK ? "S_OK" : "failed", (int)monitor.m_cRef);

    hr = pOffline->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL);
    ULONG ulState = 0;
    pOffline->GetCurrentState(&ulState);
    std::printf("now %s\n", (ulState & MAPIOFFLINE_STATE_OFFLINE_MASK) == MAPIOFFLINE_STATE_OFFLINE ? "offline" : "online");
    std::printf("placeholder: 0x%08X\n", (unsigned)pMgr->Placeholder1());

    pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulToken);
    std::printf("Unadvise: references on the monitor %d\n", (int)monitor.m_cRef);
    pOffline->Release();
    std::printf("Release: %u\n", (unsigned)pMgr->Release());
    return 0;
}
