#include "mapioffline.h"
