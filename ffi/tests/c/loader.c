/*
 * loader.c: a client ported from Windows that loads MAPI at run time: LoadLibraryW,
 * GetProcAddress with the decorated name every real client uses, and FreeLibrary while it
 * still holds the manager (one real provider does), which keeps working.
 */
#include "mapioffline.h"
#include "sink.h"

int main(void)
{
    HMODULE h = LoadLibraryW(u"C:\\Program Files\\Microsoft Office\\root\\Office16\\MSMAPI32.DLL");
    HROPENOFFLINEOBJ *pfnOpen;
    LPHRCREATEOFFLINEOBJ pfnCreate;
    IMAPIOfflineMgr *mgr = NULL;
    ULONG state = 0;
    HRESULT hr;
    printf("LoadLibraryW: %s\n", h ? "loaded" : "NULL");
    printf("LoadLibraryA(kernel32.dll): %s\n", LoadLibraryA("kernel32.dll") ? "loaded" : "NULL");
    pfnOpen = (HROPENOFFLINEOBJ *)GetProcAddress(h, "HrOpenOfflineObj@20");
    printf("GetProcAddress(HrOpenOfflineObj@20): %s\n", pfnOpen == HrOpenOfflineObj ? "HrOpenOfflineObj" : "other");
    printf("GetProcAddress(HrOpenOfflineObj): %s\n",
           (HROPENOFFLINEOBJ *)GetProcAddress(h, "HrOpenOfflineObj") == HrOpenOfflineObj ? "HrOpenOfflineObj" : "other");
    pfnCreate = (LPHRCREATEOFFLINEOBJ)GetProcAddress(h, "HrCreateOfflineObj");
    printf("GetProcAddress(HrCreateOfflineObj): %s\n", pfnCreate == HrCreateOfflineObj ? "HrCreateOfflineObj" : "other");
    printf("GetProcAddress(Nothing): %s\n", GetProcAddress(h, "Nothing") ? "found" : "NULL");
    printf("GetModuleHandleW: %s\n", GetModuleHandleW(u"msmapi32.dll") == h ? "same handle" : "other");
    hr = pfnOpen(0, u"Outlook", &GUID_GlobalState, NULL, &mgr);
    printf("HrOpenOfflineObj@20 = %s\n", hr_name(hr));
    printf("FreeLibrary = %d\n", (int)FreeLibrary(h));
    hr = mgr->lpVtbl->GetCurrentState(mgr, &state);
    printf("GetCurrentState after FreeLibrary = %s, %s\n", hr_name(hr), state_name(state));
    mgr->lpVtbl->Release(mgr);
    return 0;
}
