/*
 * provider_tree.c: the object tree of the HrCreateOfflineObj reference page: the global
 * object, a provider's object under it, and a store's object under that, aggregated onto
 * the store (pGUID and pInstance NULL, as in the reference's example). Taking the global
 * object offline takes the whole tree with it (CRE-7); the store's sink hears it.
 */
#include "mapioffline.h"
#include "sink.h"

/* The store: a COM object of the provider's, the outer object of its offline object. */
typedef struct {
    IUnknown iface;
    LONG refs;
} Store;

static HRESULT STDMETHODCALLTYPE Store_QueryInterface(IUnknown *This, REFIID riid, void **ppv)
{
    if (IsEqualIID(riid, &IID_IUnknown)) {
        *ppv = This;
        ((Store *)This)->refs++;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE Store_AddRef(IUnknown *This) { return (ULONG)++((Store *)This)->refs; }
static ULONG STDMETHODCALLTYPE Store_Release(IUnknown *This) { return (ULONG)--((Store *)This)->refs; }
static const IUnknownVtbl Store_Vtbl = {Store_QueryInterface, Store_AddRef, Store_Release};

static const GUID GUID_MyProvider = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
static const GUID GUID_MyProviderInstance = {0x87654321, 0x4321, 0x4321, {8, 7, 6, 5, 4, 3, 2, 1}};

static MAPIOFFLINE_CREATEINFO create_info(const GUID *type, const GUID *instance, IMAPIOfflineMgr *parent,
                                          MAPIOFFLINE_AGGREGATEINFO *agg)
{
    MAPIOFFLINE_CREATEINFO ci;
    ci.ulSize = sizeof ci;
    ci.ulCreateFlags = 0;
    ci.pwszProfileName = u"Outlook";
    ci.ulCapabilities = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
    ci.pGUID = type;
    ci.pInstance = instance;
    ci.pParent = parent;
    ci.pMAPISupport = NULL;
    ci.pAggregateInfo = agg;
    ci.pConnectInfo = NULL;
    return ci;
}

static const char *state_of(IMAPIOfflineMgr *o)
{
    ULONG s = 0;
    o->lpVtbl->GetCurrentState(o, &s);
    return state_name(s & MAPIOFFLINE_STATE_OFFLINE_MASK);
}

int main(void)
{
    IMAPIOfflineMgr *global = NULL, *provider = NULL, *store_off = NULL, *opened = NULL;
    Store store = {{&Store_Vtbl}, 1};
    MAPIOFFLINE_AGGREGATEINFO agg = {sizeof agg, &store.iface, NULL};
    MAPIOFFLINE_CREATEINFO ci;
    MAPIOFFLINE_ADVISEINFO ai;
    LogSink sink;
    ULONG token = 0, caps = 0;
    HRESULT hr;

    /* "Create/get global offline object to use as parent" */
    ci = create_info(&GUID_GlobalState, NULL, NULL, NULL);
    hr = HrCreateOfflineObj(0, &ci, &global);
    HrOpenOfflineObj(0, u"Outlook", &GUID_GlobalState, NULL, &opened);
    printf("global: %s, the object HrOpenOfflineObj returns: %s\n", hr_name(hr), global == opened ? "yes" : "no");
    opened->lpVtbl->Release(opened);

    ci = create_info(&GUID_MyProvider, &GUID_MyProviderInstance, global, NULL);
    hr = HrCreateOfflineObj(0, &ci, &provider);
    printf("provider: %s\n", hr_name(hr));

    ci = create_info(NULL, NULL, provider, &agg);
    hr = HrCreateOfflineObj(0, &ci, &store_off);
    printf("store: %s\n", hr_name(hr));

    LogSink_Init(&sink, "store");
    store_off->lpVtbl->GetCapabilities(store_off, &caps);
    ai = advise_info(&sink, 3);
    hr = store_off->lpVtbl->Advise(store_off, 0, &ai, &token);
    printf("Advise on the store's object: %s\n", hr_name(hr));

    hr = global->lpVtbl->SetCurrentState(global, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                         MAPIOFFLINE_STATE_OFFLINE, NULL);
    printf("global offline: %s; global %s, provider %s, store %s\n", hr_name(hr), state_of(global),
           state_of(provider), state_of(store_off));
    hr = store_off->lpVtbl->SetCurrentState(store_off, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
                                            MAPIOFFLINE_STATE_ONLINE, NULL);
    printf("store online under an offline parent: %s, store %s\n", hr_name(hr), state_of(store_off));

    store_off->lpVtbl->Unadvise(store_off, 0, token);
    store_off->lpVtbl->Release(store_off);
    provider->lpVtbl->Release(provider);
    global->lpVtbl->Release(global);
    printf("Shutdown: %s, store references %d\n", hr_name(MAPIOfflineSim_Shutdown(NULL, 0)), (int)store.refs);
    return 0;
}
