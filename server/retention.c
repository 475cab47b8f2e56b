/* PLACEHOLDER: retention.c — see retention.h; replaced by the issue-6 work. */
#include "retention.h"
