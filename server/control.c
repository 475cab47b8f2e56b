/* PLACEHOLDER: control.c — see control.h; replaced by the issue-6 work. */
#include "control.h"
