/* PLACEHOLDER: backup_sched.c — see backup.h; replaced by the issue-6 work. */
#include "backup.h"
