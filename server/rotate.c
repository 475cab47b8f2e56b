/* PLACEHOLDER: rotate.c — see rotate.h; replaced by the issue-6 work. */
#include "rotate.h"
