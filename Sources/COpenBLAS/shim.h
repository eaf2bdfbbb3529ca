// OpenBLAS's CBLAS interface. cblas.h is found through pkg-config (openblas-pthread include dir).
#include <cblas.h>
