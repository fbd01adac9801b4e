// wide_literals.cpp: a client written for Windows, with L"..." literals and
// InterlockedIncrement, built unchanged with -fshort-wchar (as Wine builds Windows code).
#include "mapioffline.h"
#include <cstdio>

class CSink : public IMAPIOfflineNotify
{
public:
    CSink() : m_cRef(1), m_cNotify(0) {}
    STDMETHODIMP QueryInterface(REFIID riid, void **ppv)
    {
        if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IMAPIOfflineNotify)) {
            *ppv = static_cast<IMAPIOfflineNotify *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = NULL;
        return E_NOINTERFACE;
    }
    STDMETHODIMP_(ULONG) AddRef() { return (ULONG)InterlockedIncrement(&m_cRef); }
    STDMETHODIMP_(ULONG) Release() { return (ULONG)InterlockedDecrement(&m_cRef); }
    STDMETHODIMP_(void) Notify(const MAPIOFFLINE_NOTIFY *) { ++m_cNotify; }
    LONG m_cRef;
    int m_cNotify;
};

int main()
{
    const wchar_t *pwszProfile = L"Outlook";
    IMAPIOfflineMgr *pMgr = NULL;
    HRESULT hr = HrOpenOfflineObj(0, pwszProfile, &GUID_GlobalState, NULL, &pMgr);
    std::printf("HrOpenOfflineObj(L\"Outlook\"): 0x%08X\n", (unsigned)hr);
    if (FAILED(hr))
        return 1;
    CSink sink;
    MAPIOFFLINE_ADVISEINFO ai = {sizeof(ai), 1, MAPIOFFLINE_CALLBACK_TYPE_NOTIFY, &sink,
                                 MAPIOFFLINE_ADVISE_TYPE_STATECHANGE, MAPIOFFLINE_STATE_ALL};
    ULONG ulToken = 0;
    hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &ai, &ulToken);
    std::printf("Advise: 0x%08X, references %d\n", (unsigned)hr, (int)sink.m_cRef);
    pMgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL);
    std::printf("notifications: %d\n", sink.m_cNotify);
    pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulToken);
    std::printf("Unadvise: references %d\n", (int)sink.m_cRef);
    IMAPIOfflineMgr *pWrong = NULL;
    hr = HrOpenOfflineObj(0, L"Wrok", &GUID_GlobalState, NULL, &pWrong);
    std::printf("HrOpenOfflineObj(L\"Wrok\"): 0x%08X\n", (unsigned)hr);
    std::printf("Release: %u\n", (unsigned)pMgr->Release());
    return 0;
}
