/*
 * bounds — bounds that the server enforces and the clients check before
 * asking, written once so the two cannot drift apart.
 *
 * Contract: plain integer constants. A bound that the database schema also
 * checks is spelled into the schema from here (REFLECT_STR); changing one
 * needs a schema migration for rows already stored.
 */
#ifndef REFLECT_BOUNDS_H
#define REFLECT_BOUNDS_H

#define REFLECT_STR_(x) #x
#define REFLECT_STR(x) REFLECT_STR_(x)

/* A supervision session lasts 15 minutes to 8 hours. */
#define REFLECT_SESSION_MINUTES_MIN 15
#define REFLECT_SESSION_MINUTES_MAX 480

/* Drafts (store_drafts.h): what one may hold, how many one person may
 * have, and how long one not saved again is kept. */
#define REFLECT_DRAFT_CONTENT_MAX (256 * 1024)
#define REFLECT_DRAFTS_PER_USER 50
#define REFLECT_DRAFTS_KEEP_DAYS 30

#endif
