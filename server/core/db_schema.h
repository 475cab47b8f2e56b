/*
 * db_schema — the numbered migrations, embedded in the binary. Entry i
 * takes a database from user_version i to i+1. Append only: a released
 * migration is never edited.
 */
#ifndef REFLECT_DB_SCHEMA_H
#define REFLECT_DB_SCHEMA_H

extern const char *const db_schema_migrations[];
extern const int db_schema_count;

#endif
