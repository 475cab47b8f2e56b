/* PLACEHOLDER: audit_chain.c — see audit_chain.h; replaced by the issue-6 work. */
#include "audit_chain.h"
