/*
 * store_throttle — what stands between a password guesser and an account,
 * without letting the guesser lock the account's owner out (docs/architecture.md#d9-traps).
 *
 * Contract:
 *  - Throttling counts failed logins per key: "device:KEY" for the device
 *    that failed, and "user:ID" (or "unknown:HASH" for a name that is not
 *    an account) for failures from devices unfamiliar to that account.
 *    After max_failures a key is locked for a doubling delay (2 s, 4 s,
 *    8 s, ... up to max_delay). Rows nobody failed on for a day, locking
 *    nothing, are swept as new failures arrive.
 *  - Familiar devices: a device on which an account has logged in. It is
 *    throttled by its own key only, never by the account's: failures from
 *    strangers cannot lock the owner out of the devices they use. An
 *    account remembers its FAMILIAR_MAX most recently used devices.
 *  - Failed-login counts for the audit: per hour, per account (every
 *    unknown name counts as the one account "unknown") and per device, at
 *    most FAILURE_DEVICES_MAX devices an account an hour, the rest counted
 *    together as device "*". store_throttle_count_failure says whether a
 *    failure is the first of its row (the caller audits that one); the
 *    scheduler turns each finished hour into one summary per account
 *    (store_throttle_close_hours) and forgets it. So a flood of guesses,
 *    however many devices it uses, adds a bounded number of audit rows.
 *  - Writers run inside the caller's write transaction. Functions return
 *    0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_THROTTLE_H
#define REFLECT_STORE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"

#define FAMILIAR_MAX 32
#define FAILURE_DEVICES_MAX 16
#define FAILURE_WINDOW_S 3600

/* *locked_until > now means the key is locked. */
rcode store_throttle_check(db *d, const char *key, int64_t *locked_until) RC_MUST_CHECK;
rcode store_throttle_fail(db *d, const char *key, int64_t now, int max_failures, int64_t max_delay) RC_MUST_CHECK;
rcode store_throttle_clear(db *d, const char *key) RC_MUST_CHECK;

rcode store_throttle_familiar(db *d, int64_t user_id, const char *device, int *yes) RC_MUST_CHECK;
rcode store_throttle_remember(db *d, int64_t user_id, const char *device, int64_t now) RC_MUST_CHECK;

/* Counts a failed login of `account` ("user:ID" or "unknown") from
 * `device`; *first is 1 when it opened a row: the first failure of this
 * account from this device this hour (device "*" once the hour has seen
 * FAILURE_DEVICES_MAX devices for the account). */
rcode store_throttle_count_failure(db *d, const char *account, const char *device, int64_t now,
                                   int *first) RC_MUST_CHECK;

/* One finished hour of one account's failed logins. */
typedef struct {
  int64_t window; /* the hour's start */
  char account[48];
  int64_t failures, devices, first_at, last_at;
  int more_devices; /* some devices were counted together as "*" */
} throttle_hour;

/* Up to max finished hours (before now's hour), oldest first, each
 * account's rows summed; store_throttle_forget_hour removes one once the
 * caller has audited it. */
rcode store_throttle_closed_hours(db *d, int64_t now, throttle_hour *out, size_t max, size_t *n) RC_MUST_CHECK;
rcode store_throttle_forget_hour(db *d, int64_t window, const char *account) RC_MUST_CHECK;

#endif
