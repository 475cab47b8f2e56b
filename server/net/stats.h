/*
 * stats — counters the running server keeps for `reflectd status`.
 *
 * Contract: one server_stats per process, owned by cmd_serve and shared
 * by pointer; fields are atomics, written by the thread named beside each
 * and read by the control thread at any time. No locks, no heap.
 */
#ifndef REFLECT_STATS_H
#define REFLECT_STATS_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct {
  int64_t started_at;               /* Unix seconds; set before threads start */
  atomic_llong clients;             /* connected CURVE clients (broker, socket monitor) */
  atomic_llong subscribers;         /* connected event subscribers (broker, socket monitor) */
  atomic_ullong refused_handshakes; /* CURVE handshakes the ZAP handler refused (zap) */
  atomic_ullong served;             /* replies sent (broker) */
  atomic_ullong refused_busy;       /* requests refused UNAVAILABLE: queue full (broker) */
  atomic_ullong dropped;            /* replies to vanished clients (broker) */
  atomic_llong queued;              /* requests waiting for a worker now (broker) */
  atomic_llong queued_peak;         /* the most that ever waited (broker) */
} server_stats;

#endif
