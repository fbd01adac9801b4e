/*
 * own_com_types.c: a project that already has the COM vocabulary (here a stand-in for the
 * Windows headers) includes mapioffline.h with MAPIOFFLINE_HAVE_COM_TYPES: nothing is
 * declared twice. Compiled as C and as C++ by the test suite.
 */
#include <stdint.h>
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef int32_t HRESULT;
typedef int32_t BOOL;
typedef uint16_t WCHAR;
typedef const WCHAR *LPCWSTR;
typedef const char *LPCSTR;
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
typedef GUID IID;
typedef struct HINSTANCE__ *HMODULE;
typedef void (*FARPROC)(void);
#define S_OK ((HRESULT)0)
#define STDMETHODCALLTYPE
#ifdef __cplusplus
typedef const IID &REFIID;
struct IUnknown {
    virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppvObject) = 0;
    virtual ULONG STDMETHODCALLTYPE AddRef() = 0;
    virtual ULONG STDMETHODCALLTYPE Release() = 0;
};
#else
typedef const IID *REFIID;
typedef struct IUnknown IUnknown;
struct IUnknown {
    const struct IUnknownVtbl *lpVtbl;
};
#endif
extern const IID IID_IUnknown;

#define MAPIOFFLINE_HAVE_COM_TYPES
#include "mapioffline.h"

int own_com_types_compile(void);
int own_com_types_compile(void)
{
    return (int)sizeof(MAPIOFFLINE_ADVISEINFO) + (int)MAPIOFFLINE_STATE_ONLINE + (S_OK == E_PENDING);
}
