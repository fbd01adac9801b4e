/*
 * mapioffline.h: Outlook's MAPI Offline State API for Linux, implemented by the
 * mapioffline simulator (libmapioffline.so / libmapioffline.a).
 *
 * A client written against the reference (HrOpenOfflineObj, IMAPIOffline, IMAPIOfflineMgr,
 * IMAPIOfflineNotify, HrCreateOfflineObj) compiles against this header and links with
 * -lmapioffline instead of loading msmapi32.dll; every call goes through the simulator,
 * which records a trace, enforces the contract and reports what the client leaves behind.
 *
 *     cc  -std=c11   -Wall -Wextra -I ffi/include client.c   -L target/debug -Wl,-rpath,target/debug -lmapioffline
 *     c++ -std=c++11 -Wall -Wextra -I ffi/include client.cpp -L target/debug -Wl,-rpath,target/debug -lmapioffline
 *
 * Conventions, as on Windows:
 *   - ULONG, LONG and HRESULT are 32-bit (Linux's `unsigned long` is 64-bit); enums are int-sized.
 *   - Strings are UTF-16 (OPEN-3): WCHAR is a 16-bit code unit, so u"Outlook" works from
 *     C11 and C++11. C99 has no char16_t: there WCHAR is uint16_t. Code written for Windows
 *     with L"..." literals compiles unchanged with -fshort-wchar (as under Wine), where
 *     WCHAR is wchar_t. Callers holding a 32-bit wchar_t or UTF-8 convert with
 *     MAPIOfflineSim_WcharToWide or MAPIOfflineSim_Utf8ToWide (below).
 *   - In C the interfaces are MIDL-style structs (`pMgr->lpVtbl->Advise(pMgr, ...)`); in C++
 *     (unless CINTERFACE is defined) they are classes with pure virtual methods
 *     (`pMgr->Advise(...)`) whose vtables have the same layout.
 *   - The COM vocabulary (HRESULT, ULONG, GUID, IUnknown, S_OK...) is declared unless the
 *     project already has it: define MAPIOFFLINE_HAVE_COM_TYPES, or include the Windows
 *     headers first (_WINDEF_ / _OBJBASE_H_ are recognised). Each macro is also guarded alone.
 *
 * The simulator is single-threaded, like Outlook's UI thread: the first thread that calls
 * the library owns it; a call from any other thread returns RPC_E_WRONG_THREAD and prints
 * a message on stderr, and changes nothing.
 */
#ifndef MAPIOFFLINE_H
#define MAPIOFFLINE_H

#include <stddef.h>
#include <stdint.h>
#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#include <uchar.h>
#endif

/* ------------------------------------------------------------------ COM vocabulary */

#if !defined(MAPIOFFLINE_HAVE_COM_TYPES) && !defined(_WINDEF_) && !defined(_OBJBASE_H_) && \
    !defined(__OBJBASE_H__)
#define MAPIOFFLINE_DECLARES_COM_TYPES 1

typedef uint32_t ULONG;
typedef int32_t LONG;
typedef int32_t HRESULT;
typedef int32_t BOOL;
typedef unsigned char BYTE;
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
/* Built with -fshort-wchar, as Wine builds Windows code: wchar_t is a UTF-16 code unit
   here as on Windows, so L"Outlook" and wchar_t buffers work unchanged. */
typedef wchar_t WCHAR;
#elif defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR; /* C99 has no char16_t: a UTF-16 code unit all the same */
#endif
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef const char *LPCSTR;

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
typedef GUID IID;
typedef GUID CLSID;
#ifdef __cplusplus
typedef const GUID &REFGUID;
typedef const IID &REFIID;
#else
typedef const GUID *REFGUID;
typedef const IID *REFIID;
#endif

/* Module handles for the LoadLibrary/GetProcAddress shims below. */
typedef struct HINSTANCE__ *HMODULE;
typedef HMODULE HINSTANCE;
/* GCC treats void (*)(void) as compatible with every function type, so a cast of the result
   of GetProcAddress to HROPENOFFLINEOBJ * compiles cleanly under -Wextra. */
typedef void (*FARPROC)(void);

/* Windows' reference-count helpers, which a client's own COM objects use. The simulator
   is single-threaded, but a client's objects may not be: these are atomic. */
static inline LONG InterlockedIncrement(LONG volatile *p) { return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST); }
static inline LONG InterlockedDecrement(LONG volatile *p) { return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST); }

#endif /* COM types */

#ifndef STDMETHODCALLTYPE
#define STDMETHODCALLTYPE /* the platform's C calling convention, as Rust's extern "C" */
#endif
#ifndef STDAPICALLTYPE
#define STDAPICALLTYPE
#endif
#ifndef WINAPI
#define WINAPI
#endif
#ifndef EXTERN_C
#ifdef __cplusplus
#define EXTERN_C extern "C"
#else
#define EXTERN_C extern
#endif
#endif
#ifndef STDAPI
#define STDAPI EXTERN_C HRESULT STDAPICALLTYPE
#endif
#ifndef STDAPI_
#define STDAPI_(type) EXTERN_C type STDAPICALLTYPE
#endif
#if defined(__cplusplus) && !defined(CINTERFACE)
#ifndef STDMETHOD
#define STDMETHOD(method) virtual HRESULT STDMETHODCALLTYPE method
#endif
#ifndef STDMETHOD_
#define STDMETHOD_(type, method) virtual type STDMETHODCALLTYPE method
#endif
#ifndef PURE
#define PURE = 0
#endif
#endif
#ifndef STDMETHODIMP
#define STDMETHODIMP HRESULT STDMETHODCALLTYPE
#endif
#ifndef STDMETHODIMP_
#define STDMETHODIMP_(type) type STDMETHODCALLTYPE
#endif

#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* HRESULTs (contract section 7), spelled as the Windows SDK spells them. */
#ifndef S_OK
#define S_OK ((HRESULT)0x00000000L)
#endif
#ifndef S_FALSE
#define S_FALSE ((HRESULT)0x00000001L)
#endif
#ifndef E_PENDING
#define E_PENDING ((HRESULT)0x8000000AL)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG ((HRESULT)0x80070057L)
#endif
#ifndef E_NOINTERFACE
#define E_NOINTERFACE ((HRESULT)0x80004002L)
#endif
#ifndef E_NOTIMPL
#define E_NOTIMPL ((HRESULT)0x80004001L)
#endif
#ifndef E_POINTER
#define E_POINTER ((HRESULT)0x80004003L)
#endif
#ifndef E_FAIL
#define E_FAIL ((HRESULT)0x80004005L)
#endif
#ifndef E_UNEXPECTED
#define E_UNEXPECTED ((HRESULT)0x8000FFFFL)
#endif
#ifndef RPC_E_WRONG_THREAD
#define RPC_E_WRONG_THREAD ((HRESULT)0x8001010EL)
#endif
#ifndef MAPI_E_NOT_FOUND
#define MAPI_E_NOT_FOUND ((HRESULT)0x8004010FL)
#endif
#ifndef MAPI_E_OFFLINE
#define MAPI_E_OFFLINE ((HRESULT)0x80040126L)
#endif
#ifndef MAPI_E_RECONNECTED
#define MAPI_E_RECONNECTED ((HRESULT)0x80040125L)
#endif
#ifndef MAPI_E_END_OF_SESSION
#define MAPI_E_END_OF_SESSION ((HRESULT)0x80040200L)
#endif
/* HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER): a caller's buffer is too small. */
#ifndef MAPIOFFLINE_E_INSUFFICIENT_BUFFER
#define MAPIOFFLINE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#endif

/* Compile-time checks that work in C99, C11 and C++11. */
#if defined(__cplusplus)
#define MAPIOFFLINE_STATIC_ASSERT(cond, name) static_assert(cond, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define MAPIOFFLINE_STATIC_ASSERT(cond, name) _Static_assert(cond, #name)
#else
#define MAPIOFFLINE_STATIC_ASSERT(cond, name) typedef char mapioffline_assert_##name[(cond) ? 1 : -1]
#endif

/* ------------------------------------------------------------------ constants (section 7) */

#define MAPIOFFLINE_ADVISE_DEFAULT 0
#define MAPIOFFLINE_UNADVISE_DEFAULT 0
#define MAPIOFFLINE_ADVISE_TYPE_STATECHANGE 1
#define MAPIOFFLINE_CAPABILITY_OFFLINE 0x1
#define MAPIOFFLINE_CAPABILITY_ONLINE 0x2
#define MAPIOFFLINE_FLAG_BLOCK 0x00002000
#define MAPIOFFLINE_FLAG_DEFAULT 0x00000000
#define MAPIOFFLINE_STATE_ALL 0x003F037F
#define MAPIOFFLINE_STATE_OFFLINE_MASK 0x00000003
#define MAPIOFFLINE_STATE_OFFLINE 0x00000001
#define MAPIOFFLINE_STATE_ONLINE 0x00000002

typedef enum {
    MAPIOFFLINE_CALLBACK_TYPE_NOTIFY = 0
} MAPIOFFLINE_CALLBACK_TYPE;

typedef enum {
    MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START = 1,
    MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE = 2,
    MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE = 3
} MAPIOFFLINE_NOTIFY_TYPE;

/* ------------------------------------------------------------------ GUIDs */

#ifdef __cplusplus
extern "C" {
#endif

/* Exported by the library. With MAPIOFFLINE_STATIC_GUIDS each translation unit gets its own
   static copy instead (for projects that define these names themselves). */
#ifndef MAPIOFFLINE_STATIC_GUIDS
/* GUID_GlobalState {FBEFFD93-B11F-4094-842B-96DCD31E63D1} */
extern const GUID GUID_GlobalState;
/* IID_IMAPIOffline {000672B5-0000-0000-C000-000000000046} */
extern const IID IID_IMAPIOffline;
/* IID_IMAPIOfflineMgr {42175607-FF3E-4790-BC18-66C8643E6424} */
extern const IID IID_IMAPIOfflineMgr;
/* IID_IMAPIOfflineNotify {0317BDE5-FC29-44CD-8DCD-36125A3BE9EC} */
extern const IID IID_IMAPIOfflineNotify;
#ifdef MAPIOFFLINE_DECLARES_COM_TYPES
/* IID_IUnknown {00000000-0000-0000-C000-000000000046} */
extern const IID IID_IUnknown;
#endif
#else
static const GUID GUID_GlobalState = {0xFBEFFD93, 0xB11F, 0x4094, {0x84, 0x2B, 0x96, 0xDC, 0xD3, 0x1E, 0x63, 0xD1}};
static const IID IID_IMAPIOffline = {0x000672B5, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
static const IID IID_IMAPIOfflineMgr = {0x42175607, 0xFF3E, 0x4790, {0xBC, 0x18, 0x66, 0xC8, 0x64, 0x3E, 0x64, 0x24}};
static const IID IID_IMAPIOfflineNotify = {0x0317BDE5, 0xFC29, 0x44CD, {0x8D, 0xCD, 0x36, 0x12, 0x5A, 0x3B, 0xE9, 0xEC}};
#ifdef MAPIOFFLINE_DECLARES_COM_TYPES
static const IID IID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
#endif
#endif

#ifdef __cplusplus
}
#endif

#ifdef MAPIOFFLINE_DECLARES_COM_TYPES
#ifdef __cplusplus
inline bool IsEqualGUID(REFGUID a, REFGUID b)
{
    const unsigned char *x = reinterpret_cast<const unsigned char *>(&a);
    const unsigned char *y = reinterpret_cast<const unsigned char *>(&b);
    for (size_t i = 0; i < sizeof(GUID); ++i)
        if (x[i] != y[i])
            return false;
    return true;
}
inline bool IsEqualIID(REFIID a, REFIID b) { return IsEqualGUID(a, b); }
#else
static inline int MAPIOffline_IsEqualGUID(const GUID *a, const GUID *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    size_t i;
    for (i = 0; i < sizeof(GUID); ++i)
        if (x[i] != y[i])
            return 0;
    return 1;
}
#define IsEqualGUID(a, b) MAPIOffline_IsEqualGUID((a), (b))
#define IsEqualIID(a, b) MAPIOffline_IsEqualGUID((a), (b))
#endif
#endif

/* ------------------------------------------------------------------ interfaces and structures */

#if defined(__cplusplus) && !defined(CINTERFACE)

#ifdef MAPIOFFLINE_DECLARES_COM_TYPES
struct IUnknown {
    STDMETHOD(QueryInterface)(REFIID riid, void **ppvObject) PURE;
    STDMETHOD_(ULONG, AddRef)() PURE;
    STDMETHOD_(ULONG, Release)() PURE;
};
#endif
struct IMAPIOffline;
struct IMAPIOfflineMgr;
struct IMAPIOfflineNotify;

#else /* C */

#ifdef MAPIOFFLINE_DECLARES_COM_TYPES
typedef struct IUnknown IUnknown;
typedef struct IUnknownVtbl {
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
    ULONG(STDMETHODCALLTYPE *AddRef)(IUnknown *This);
    ULONG(STDMETHODCALLTYPE *Release)(IUnknown *This);
} IUnknownVtbl;
struct IUnknown {
    const IUnknownVtbl *lpVtbl;
};
#endif
typedef struct IMAPIOffline IMAPIOffline;
typedef struct IMAPIOfflineMgr IMAPIOfflineMgr;
typedef struct IMAPIOfflineNotify IMAPIOfflineNotify;

#endif

typedef IMAPIOfflineMgr *LPMAPIOFFLINEMGR;
typedef IMAPIOffline *LPMAPIOFFLINE;
typedef IMAPIOfflineNotify *LPMAPIOFFLINENOTIFY;

/* MAPIOFFLINE_ADVISEINFO: 32 bytes on 64-bit, 24 on 32-bit (ADV-4). */
typedef struct {
    ULONG ulSize;
    ULONG ulClientToken;
    MAPIOFFLINE_CALLBACK_TYPE CallbackType;
    IUnknown *pCallback; /* the client's IMAPIOfflineNotify */
    ULONG ulAdviseTypes;
    ULONG ulStateMask;
} MAPIOFFLINE_ADVISEINFO;

/* MAPIOFFLINE_NOTIFY: 24 bytes on 32- and 64-bit. */
typedef struct {
    ULONG ulSize;
    MAPIOFFLINE_NOTIFY_TYPE NotifyType;
    ULONG ulClientToken;
    union {
        struct {
            ULONG ulMask;
            ULONG ulStateOld;
            ULONG ulStateNew;
        } StateChange;
    } Info;
} MAPIOFFLINE_NOTIFY;

typedef struct {
    ULONG ulSize;
    IUnknown *pOuterObj;
    IUnknown *pRefTrackRoot; /* must be NULL */
} MAPIOFFLINE_AGGREGATEINFO;

/* Opaque: pConnectInfo must be NULL (CRE-1). */
typedef struct MAPIOFFLINE_CONNECTINFO MAPIOFFLINE_CONNECTINFO;

typedef struct {
    ULONG ulSize;
    ULONG ulCreateFlags;
    LPCWSTR pwszProfileName;
    ULONG ulCapabilities;
    const GUID *pGUID;
    const GUID *pInstance;
    IMAPIOfflineMgr *pParent;
    IUnknown *pMAPISupport;
    MAPIOFFLINE_AGGREGATEINFO *pAggregateInfo;
    MAPIOFFLINE_CONNECTINFO *pConnectInfo;
} MAPIOFFLINE_CREATEINFO;

/* The vtables, slot by slot. IMAPIOfflineMgr's 16 slots: IUnknown (0-2), SetCurrentState (3),
   GetCapabilities (4), GetCurrentState (5), the IMAPIOffline placeholder (6), Advise (7),
   Unadvise (8), seven placeholders (9-15). The placeholders are reserved for Outlook
   (OFF-2); calling one returns E_NOTIMPL and is flagged (R7). */
typedef struct IMAPIOfflineVtbl {
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMAPIOffline *This, REFIID riid, void **ppvObject);
    ULONG(STDMETHODCALLTYPE *AddRef)(IMAPIOffline *This);
    ULONG(STDMETHODCALLTYPE *Release)(IMAPIOffline *This);
    HRESULT(STDMETHODCALLTYPE *SetCurrentState)(IMAPIOffline *This, ULONG ulFlags, ULONG ulMask, ULONG ulState, void *pReserved);
    HRESULT(STDMETHODCALLTYPE *GetCapabilities)(IMAPIOffline *This, ULONG *pulCapabilities);
    HRESULT(STDMETHODCALLTYPE *GetCurrentState)(IMAPIOffline *This, ULONG *pulState);
    HRESULT(STDMETHODCALLTYPE *Placeholder)(IMAPIOffline *This);
} IMAPIOfflineVtbl;

typedef struct IMAPIOfflineMgrVtbl {
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMAPIOfflineMgr *This, REFIID riid, void **ppvObject);
    ULONG(STDMETHODCALLTYPE *AddRef)(IMAPIOfflineMgr *This);
    ULONG(STDMETHODCALLTYPE *Release)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *SetCurrentState)(IMAPIOfflineMgr *This, ULONG ulFlags, ULONG ulMask, ULONG ulState, void *pReserved);
    HRESULT(STDMETHODCALLTYPE *GetCapabilities)(IMAPIOfflineMgr *This, ULONG *pulCapabilities);
    HRESULT(STDMETHODCALLTYPE *GetCurrentState)(IMAPIOfflineMgr *This, ULONG *pulState);
    HRESULT(STDMETHODCALLTYPE *Placeholder)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Advise)(IMAPIOfflineMgr *This, ULONG ulFlags, MAPIOFFLINE_ADVISEINFO *pAdviseInfo, ULONG *pulAdviseToken);
    HRESULT(STDMETHODCALLTYPE *Unadvise)(IMAPIOfflineMgr *This, ULONG ulFlags, ULONG ulAdviseToken);
    HRESULT(STDMETHODCALLTYPE *Placeholder1)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Placeholder2)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Placeholder3)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Placeholder4)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Placeholder5)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Placeholder6)(IMAPIOfflineMgr *This);
    HRESULT(STDMETHODCALLTYPE *Placeholder7)(IMAPIOfflineMgr *This);
} IMAPIOfflineMgrVtbl;

/* Filled in by the client for its own sink. */
typedef struct IMAPIOfflineNotifyVtbl {
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMAPIOfflineNotify *This, REFIID riid, void **ppvObject);
    ULONG(STDMETHODCALLTYPE *AddRef)(IMAPIOfflineNotify *This);
    ULONG(STDMETHODCALLTYPE *Release)(IMAPIOfflineNotify *This);
    void(STDMETHODCALLTYPE *Notify)(IMAPIOfflineNotify *This, const MAPIOFFLINE_NOTIFY *pNotifyInfo);
} IMAPIOfflineNotifyVtbl;

#if defined(__cplusplus) && !defined(CINTERFACE)

struct IMAPIOffline : public IUnknown {
    STDMETHOD(SetCurrentState)(ULONG ulFlags, ULONG ulMask, ULONG ulState, void *pReserved) PURE;
    STDMETHOD(GetCapabilities)(ULONG *pulCapabilities) PURE;
    STDMETHOD(GetCurrentState)(ULONG *pulState) PURE;
    STDMETHOD(Placeholder)() PURE; /* OFF-2: reserved for Outlook */
};

struct IMAPIOfflineMgr : public IMAPIOffline {
    STDMETHOD(Advise)(ULONG ulFlags, MAPIOFFLINE_ADVISEINFO *pAdviseInfo, ULONG *pulAdviseToken) PURE;
    STDMETHOD(Unadvise)(ULONG ulFlags, ULONG ulAdviseToken) PURE;
    /* MGR-2: seven placeholders reserved for Outlook */
    STDMETHOD(Placeholder1)() PURE;
    STDMETHOD(Placeholder2)() PURE;
    STDMETHOD(Placeholder3)() PURE;
    STDMETHOD(Placeholder4)() PURE;
    STDMETHOD(Placeholder5)() PURE;
    STDMETHOD(Placeholder6)() PURE;
    STDMETHOD(Placeholder7)() PURE;
};

struct IMAPIOfflineNotify : public IUnknown {
    STDMETHOD_(void, Notify)(const MAPIOFFLINE_NOTIFY *pNotifyInfo) PURE;
};

#else /* C */

struct IMAPIOffline {
    const IMAPIOfflineVtbl *lpVtbl;
};
struct IMAPIOfflineMgr {
    const IMAPIOfflineMgrVtbl *lpVtbl;
};
struct IMAPIOfflineNotify {
    const IMAPIOfflineNotifyVtbl *lpVtbl;
};

#endif

/* ------------------------------------------------------------------ layout checks */

MAPIOFFLINE_STATIC_ASSERT(sizeof(ULONG) == 4, ULONG_is_32_bit);
MAPIOFFLINE_STATIC_ASSERT(sizeof(HRESULT) == 4, HRESULT_is_32_bit);
MAPIOFFLINE_STATIC_ASSERT(sizeof(WCHAR) == 2, WCHAR_is_a_UTF16_code_unit);
MAPIOFFLINE_STATIC_ASSERT(sizeof(GUID) == 16, GUID_is_16_bytes);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_NOTIFY_TYPE) == 4, enums_are_int_sized);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_CALLBACK_TYPE) == 4, enums_are_int_sized_too);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_NOTIFY) == 24, NOTIFY_is_24_bytes);
MAPIOFFLINE_STATIC_ASSERT(sizeof(IMAPIOfflineVtbl) == 7 * sizeof(void *), IMAPIOffline_has_7_slots);
MAPIOFFLINE_STATIC_ASSERT(sizeof(IMAPIOfflineMgrVtbl) == 16 * sizeof(void *), IMAPIOfflineMgr_has_16_slots);
MAPIOFFLINE_STATIC_ASSERT(offsetof(IMAPIOfflineMgrVtbl, GetCurrentState) == 5 * sizeof(void *), GetCurrentState_is_slot_5);
MAPIOFFLINE_STATIC_ASSERT(offsetof(IMAPIOfflineMgrVtbl, Advise) == 7 * sizeof(void *), Advise_is_slot_7);
MAPIOFFLINE_STATIC_ASSERT(offsetof(IMAPIOfflineNotifyVtbl, Notify) == 3 * sizeof(void *), Notify_is_slot_3);
#if defined(__LP64__) || defined(_WIN64)
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_ADVISEINFO) == 32, ADVISEINFO_is_32_bytes_on_64_bit);
MAPIOFFLINE_STATIC_ASSERT(offsetof(MAPIOFFLINE_ADVISEINFO, pCallback) == 16, pCallback_at_16);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_CREATEINFO) == 72, CREATEINFO_is_72_bytes_on_64_bit);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_AGGREGATEINFO) == 24, AGGREGATEINFO_is_24_bytes_on_64_bit);
/* Shipping code calls GetCurrentState at vtable offset 0x28 directly. */
MAPIOFFLINE_STATIC_ASSERT(offsetof(IMAPIOfflineMgrVtbl, GetCurrentState) == 0x28, GetCurrentState_at_0x28);
#else
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_ADVISEINFO) == 24, ADVISEINFO_is_24_bytes_on_32_bit);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_CREATEINFO) == 40, CREATEINFO_is_40_bytes_on_32_bit);
MAPIOFFLINE_STATIC_ASSERT(sizeof(MAPIOFFLINE_AGGREGATEINFO) == 12, AGGREGATEINFO_is_12_bytes_on_32_bit);
#endif

/* ------------------------------------------------------------------ functions (sections 2, 6) */

#ifdef __cplusplus
extern "C" {
#endif

/* The reference declares HROPENOFFLINEOBJ as a function type; LPHROPENOFFLINEOBJ is the
   pointer type some clients need. */
typedef HRESULT(STDMETHODCALLTYPE HROPENOFFLINEOBJ)(ULONG ulReserved, LPCWSTR pwszProfileNameIn,
                                                   const GUID *pGUID, const GUID *pReserved,
                                                   IMAPIOfflineMgr **ppOfflineObj);
typedef HROPENOFFLINEOBJ *LPHROPENOFFLINEOBJ;

/* OPEN-1: a Windows client looks it up as "HrOpenOfflineObj@20" with GetProcAddress; here
   the plain name is exported, and the GetProcAddress shim below maps both names to it. */
HROPENOFFLINEOBJ HrOpenOfflineObj;

typedef HRESULT(STDMETHODCALLTYPE HRCREATEOFFLINEOBJ)(ULONG ulFlags, MAPIOFFLINE_CREATEINFO *pCreateInfo,
                                                     IMAPIOfflineMgr **ppOffline);
typedef HRCREATEOFFLINEOBJ *LPHRCREATEOFFLINEOBJ;
HRCREATEOFFLINEOBJ HrCreateOfflineObj;

/* ------------------------------------------------------------------ Windows loader shims */

/* For ported clients that load msmapi32.dll at run time. LoadLibraryW/LoadLibraryA/
   GetModuleHandleW accept "msmapi32.dll" or "olmapi32.dll" (any case, any directory) and
   return this library's handle; any other name returns NULL with a message on stderr.
   GetProcAddress resolves "HrOpenOfflineObj@20", "HrOpenOfflineObj", "HrCreateOfflineObj"
   (and "@12") and NULL otherwise. FreeLibrary counts down but never unloads: interfaces a
   client still holds keep working. Define MAPIOFFLINE_NO_LOADER_SHIMS to leave them out. */
#ifndef MAPIOFFLINE_NO_LOADER_SHIMS
HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
BOOL WINAPI FreeLibrary(HMODULE hLibModule);
#endif

/* ------------------------------------------------------------------ string conversions */

/* Converts NUL-terminated UTF-8 to NUL-terminated UTF-16 in the caller's buffer of
   cchBuf code units. S_OK; E_INVALIDARG for NULL or invalid UTF-8;
   MAPIOFFLINE_E_INSUFFICIENT_BUFFER when it does not fit (nothing useful is written). */
HRESULT MAPIOfflineSim_Utf8ToWide(const char *pszUtf8, WCHAR *pwszBuf, ULONG cchBuf);
#if !(defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2) /* with -fshort-wchar, wchar_t is WCHAR already */
/* The same from wchar_t (UTF-32 on Linux), for clients written with L"..." literals. */
HRESULT MAPIOfflineSim_WcharToWide(const wchar_t *pwszIn, WCHAR *pwszBuf, ULONG cchBuf);
#endif

/* ------------------------------------------------------------------ control API */

/* Without any control call the library presents a default world, created at first use:
   one profile named "Outlook", online, both capabilities, the caller inside Outlook.
   MAPIOFFLINE_WORLD=<scenario file> runs that file's world statements (config, profile,
   network, server, extra_state_bits, extra_caps) instead; any other statement is refused
   with a message on stderr and the default world is used. MAPIOFFLINE_TRACE=<path>: at
   MAPIOfflineSim_Shutdown, or at process exit (an atexit handler registered when the world
   is created), the trace is written there as JSON (what `mapioffline check` reads) and the
   shutdown report (registrations not removed, references not released) goes to stderr.
   Every control function returns S_OK, E_INVALIDARG (bad argument, with a message on stderr),
   E_FAIL (the world cannot go on: after shutdown, never idle; core's message on stderr) or
   RPC_E_WRONG_THREAD. */

#define MAPIOFFLINE_SIM_SET4_DOCUMENTED 0 /* SET-4 read as SET-3 (the default) */
#define MAPIOFFLINE_SIM_SET4_LITERAL 1
#define MAPIOFFLINE_SIM_ARCH_X64 0 /* which ulSize values are correct */
#define MAPIOFFLINE_SIM_ARCH_X86 1

/* A zeroed structure (with ulSize set) is the default configuration. */
typedef struct {
    ULONG ulSize;           /* sizeof(MAPIOFFLINE_SIM_CONFIG) */
    ULONG ulPhaseSpacing;   /* ticks between START, STATECHANGE and DONE; 0 = 1 */
    ULONG ulSet4Reading;    /* MAPIOFFLINE_SIM_SET4_* */
    ULONG ulExtraStateBits; /* CUR-2: bits outside the mask added to every state read */
    ULONG ulArch;           /* MAPIOFFLINE_SIM_ARCH_* */
    BOOL fNetworkDown;      /* the machine starts without network */
} MAPIOFFLINE_SIM_CONFIG;

/* Starts a new, empty world (no profile) with pConfig, or the defaults for NULL. The old
   world's trace is discarded; interfaces it handed out answer E_INVALIDARG from now on. */
HRESULT MAPIOfflineSim_Reset(const MAPIOFFLINE_SIM_CONFIG *pConfig);
/* Runs a scenario file's world statements into a new world, as MAPIOFFLINE_WORLD does. */
HRESULT MAPIOfflineSim_LoadWorld(const char *pszScenarioPath);
/* Adds a profile: capabilities (extra bits allowed, CAP-3), initial state
   (MAPIOFFLINE_STATE_ONLINE/OFFLINE), whether the caller is outside Outlook (OPEN-8), whether
   its server is down. */
HRESULT MAPIOfflineSim_AddProfile(LPCWSTR pwszName, ULONG ulCapabilities, ULONG ulState,
                                  BOOL fOutsideOutlook, BOOL fServerDown);
HRESULT MAPIOfflineSim_SetNetwork(BOOL fUp);
HRESULT MAPIOfflineSim_SetServer(LPCWSTR pwszProfile, BOOL fUp);
/* CUR-2 and CAP-3 faults. */
HRESULT MAPIOfflineSim_SetExtraStateBits(ULONG ulBits);
HRESULT MAPIOfflineSim_SetExtraCapabilityBits(IMAPIOfflineMgr *pObject, ULONG ulBits);
/* Virtual time: phases of asynchronous changes are delivered (to the client's sinks) here. */
HRESULT MAPIOfflineSim_Advance(ULONG ulTicks);
HRESULT MAPIOfflineSim_RunUntilIdle(void);
/* NTF-6: delivers an unsupported notification to every registration of pObject. */
HRESULT MAPIOfflineSim_Inject(IMAPIOfflineMgr *pObject, ULONG ulNotifyType, ULONG ulMask,
                              ULONG ulStateOld, ULONG ulStateNew);
/* Outlook ends: records the shutdown report (R3, R4), writes the trace to MAPIOFFLINE_TRACE
   when set, prints the report on stderr and, when pszReport is not NULL, copies it there as
   NUL-terminated text (truncated to cbReport bytes: MAPIOFFLINE_E_INSUFFICIENT_BUFFER).
   Shutting down twice returns E_FAIL. */
HRESULT MAPIOfflineSim_Shutdown(char *pszReport, ULONG cbReport);

#define MAPIOFFLINE_SIM_TRACE_JSON 0 /* the schema `mapioffline check` reads */
#define MAPIOFFLINE_SIM_TRACE_TEXT 1 /* as `mapioffline run` prints it */
HRESULT MAPIOfflineSim_WriteTrace(const char *pszPath, ULONG ulFormat);

#ifdef __cplusplus
}
#endif

#endif /* MAPIOFFLINE_H */
