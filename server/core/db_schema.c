#include "bounds.h"
#include "db_schema.h"

/* Encrypted columns are BLOBs named for what they hold; each row names the
 * data key (key_id) that sealed them. Everything the server must query on
 * stays clear: ids, times, statuses, roles. */
static const char v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    /* One wrapped key per subject ("user:42"); destroying `wrapped`
     * crypto-shreds everything sealed under it. */
    "CREATE TABLE data_keys("
    "  id INTEGER PRIMARY KEY,"
    "  subject TEXT NOT NULL UNIQUE,"
    "  wrapped BLOB,"
    "  created_at INTEGER NOT NULL,"
    "  destroyed_at INTEGER);"
    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 5),"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  name BLOB NOT NULL,"
    "  pwhash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER REFERENCES users(id));"
    /* Only the hash of a token is kept, bound to the device's CURVE key. */
    "CREATE TABLE tokens("
    "  hash BLOB PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  device TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX tokens_user ON tokens(user_id);"
    "CREATE TABLE login_throttle("
    "  key TEXT PRIMARY KEY,"
    "  failures INTEGER NOT NULL,"
    "  locked_until INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX login_throttle_age ON login_throttle(updated_at);"
    "CREATE TABLE agreements("
    "  id INTEGER PRIMARY KEY,"
    "  supervisor_id INTEGER NOT NULL REFERENCES users(id),"
    "  supervisee_id INTEGER NOT NULL REFERENCES users(id),"
    "  every_days INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 366),"
    "  minutes INTEGER NOT NULL CHECK (minutes BETWEEN " REFLECT_STR(REFLECT_SESSION_MINUTES_MIN) " AND " REFLECT_STR(
        REFLECT_SESSION_MINUTES_MAX) "),"
                                     "  created_at INTEGER NOT NULL,"
                                     "  created_by INTEGER NOT NULL REFERENCES users(id),"
                                     "  CHECK (supervisor_id <> supervisee_id));"
                                     "CREATE INDEX agreements_supervisee ON agreements(supervisee_id);"
                                     "CREATE INDEX agreements_supervisor ON agreements(supervisor_id);"
                                     "CREATE TABLE sessions("
                                     "  id INTEGER PRIMARY KEY,"
                                     "  kind INTEGER NOT NULL CHECK (kind IN (1, 2)),"
                                     "  supervisor_id INTEGER NOT NULL REFERENCES users(id),"
                                     "  agreement_id INTEGER REFERENCES agreements(id),"
                                     "  starts_at INTEGER NOT NULL,"
                                     "  minutes INTEGER NOT NULL CHECK (minutes BETWEEN " REFLECT_STR(REFLECT_SESSION_MINUTES_MIN) " AND " REFLECT_STR(
                                         REFLECT_SESSION_MINUTES_MAX) "),"
                                                                      "  ends_at INTEGER NOT NULL,"
                                                                      "  key_id INTEGER NOT NULL REFERENCES "
                                                                      "data_keys(id),"
                                                                      "  room BLOB,"
                                                                      "  status INTEGER NOT NULL,"
                                                                      "  created_at INTEGER NOT NULL,"
                                                                      "  created_by INTEGER NOT NULL REFERENCES "
                                                                      "users(id));"
                                                                      "CREATE INDEX sessions_supervisor ON "
                                                                      "sessions(supervisor_id, ends_at);"
                                                                      "CREATE TABLE session_members("
                                                                      "  session_id INTEGER NOT NULL REFERENCES "
                                                                      "sessions(id),"
                                                                      "  user_id INTEGER NOT NULL REFERENCES users(id),"
                                                                      "  PRIMARY KEY (session_id, user_id)) WITHOUT "
                                                                      "ROWID;"
                                                                      "CREATE INDEX session_members_user ON "
                                                                      "session_members(user_id, session_id);"
                                                                      /* Append-only: an edit is a new revision; the triggers make that a
     * property of the database, not only of our code. */
                                                                      "CREATE TABLE record_revisions("
                                                                      "  id INTEGER PRIMARY KEY,"
                                                                      "  session_id INTEGER NOT NULL REFERENCES "
                                                                      "sessions(id),"
                                                                      "  revision INTEGER NOT NULL CHECK (revision >= "
                                                                      "1),"
                                                                      "  author_id INTEGER NOT NULL REFERENCES "
                                                                      "users(id),"
                                                                      "  created_at INTEGER NOT NULL,"
                                                                      "  key_id INTEGER NOT NULL REFERENCES "
                                                                      "data_keys(id),"
                                                                      "  reason BLOB,"
                                                                      "  body BLOB NOT NULL,"
                                                                      "  UNIQUE (session_id, revision));"
                                                                      "CREATE TRIGGER record_revisions_no_update "
                                                                      "BEFORE UPDATE ON record_revisions"
                                                                      "  BEGIN SELECT RAISE(ABORT, 'record revisions "
                                                                      "are append-only'); END;"
                                                                      "CREATE TRIGGER record_revisions_no_delete "
                                                                      "BEFORE DELETE ON record_revisions"
                                                                      "  BEGIN SELECT RAISE(ABORT, 'record revisions "
                                                                      "are append-only'); END;"
                                                                      /* Who did what to which object, from which device. No content here. */
                                                                      "CREATE TABLE audit("
                                                                      "  id INTEGER PRIMARY KEY,"
                                                                      "  at INTEGER NOT NULL,"
                                                                      "  user_id INTEGER REFERENCES users(id),"
                                                                      "  device TEXT NOT NULL,"
                                                                      "  action TEXT NOT NULL,"
                                                                      "  object TEXT NOT NULL,"
                                                                      "  detail TEXT NOT NULL DEFAULT '');"
                                                                      "CREATE INDEX audit_object ON audit(object, at);"
                                                                      "CREATE TRIGGER audit_no_update BEFORE UPDATE ON "
                                                                      "audit"
                                                                      "  BEGIN SELECT RAISE(ABORT, 'the audit log is "
                                                                      "append-only'); END;"
                                                                      "CREATE TRIGGER audit_no_delete BEFORE DELETE ON "
                                                                      "audit"
                                                                      "  BEGIN SELECT RAISE(ABORT, 'the audit log is "
                                                                      "append-only'); END;";

/* Session lifecycle: reschedules keep history, rooms can be compared
 * without being decrypted (a keyed blind index), calendars see a sequence. */
static const char v2[] = "ALTER TABLE sessions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;"
                         "ALTER TABLE sessions ADD COLUMN room_index BLOB;"
                         "CREATE INDEX sessions_room ON sessions(room_index, ends_at) WHERE room_index IS NOT NULL;"
                         "CREATE INDEX sessions_time ON sessions(ends_at);"
                         "CREATE TABLE session_changes("
                         "  id INTEGER PRIMARY KEY,"
                         "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
                         "  at INTEGER NOT NULL,"
                         "  by_id INTEGER NOT NULL REFERENCES users(id),"
                         "  what INTEGER NOT NULL CHECK (what BETWEEN 1 AND 5),"
                         "  old_starts_at INTEGER,"
                         "  new_starts_at INTEGER,"
                         "  old_minutes INTEGER,"
                         "  new_minutes INTEGER,"
                         "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
                         "  reason BLOB);"
                         "CREATE INDEX session_changes_session ON session_changes(session_id, id);"
                         "CREATE TRIGGER session_changes_no_update BEFORE UPDATE ON session_changes"
                         "  BEGIN SELECT RAISE(ABORT, 'session history is append-only'); END;"
                         "CREATE TRIGGER session_changes_no_delete BEFORE DELETE ON session_changes"
                         "  BEGIN SELECT RAISE(ABORT, 'session history is append-only'); END;";

/* Cases: a child or a family. Every identifying field is sealed under the
 * case's own data key, so destroying that key shreds the case. */
static const char v3[] = "CREATE TABLE cases("
                         "  id INTEGER PRIMARY KEY,"
                         "  reference_index BLOB NOT NULL UNIQUE,"
                         "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
                         "  reference BLOB NOT NULL,"
                         "  name BLOB NOT NULL,"
                         "  date_of_birth BLOB,"
                         "  risk INTEGER NOT NULL CHECK (risk BETWEEN 1 AND 3),"
                         "  allocated_id INTEGER NOT NULL REFERENCES users(id),"
                         "  open INTEGER NOT NULL DEFAULT 1,"
                         "  created_at INTEGER NOT NULL,"
                         "  created_by INTEGER NOT NULL REFERENCES users(id));"
                         "CREATE INDEX cases_allocated ON cases(allocated_id, open);";

/* Sign-off and comments: both append-only. A signature belongs to one
 * revision, so an amendment (a new revision) starts unsigned. */
static const char v4[] = "CREATE TABLE record_signoffs("
                         "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
                         "  revision INTEGER NOT NULL,"
                         "  user_id INTEGER NOT NULL REFERENCES users(id),"
                         "  at INTEGER NOT NULL,"
                         "  PRIMARY KEY (session_id, revision, user_id)) WITHOUT ROWID;"
                         "CREATE TRIGGER record_signoffs_no_update BEFORE UPDATE ON record_signoffs"
                         "  BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;"
                         "CREATE TRIGGER record_signoffs_no_delete BEFORE DELETE ON record_signoffs"
                         "  BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;"
                         "CREATE TABLE record_comments("
                         "  id INTEGER PRIMARY KEY,"
                         "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
                         "  revision INTEGER NOT NULL,"
                         "  author_id INTEGER NOT NULL REFERENCES users(id),"
                         "  at INTEGER NOT NULL,"
                         "  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),"
                         "  resolves INTEGER REFERENCES record_comments(id),"
                         "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
                         "  body BLOB NOT NULL);"
                         "CREATE INDEX record_comments_session ON record_comments(session_id, id);"
                         "CREATE TRIGGER record_comments_no_update BEFORE UPDATE ON record_comments"
                         "  BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;"
                         "CREATE TRIGGER record_comments_no_delete BEFORE DELETE ON record_comments"
                         "  BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;";

/* Actions agreed in supervision. Texts are sealed under the origin
 * session's key; closing fills in what closed it, once. */
static const char v5[] = "CREATE TABLE actions("
                         "  id INTEGER PRIMARY KEY,"
                         "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
                         "  case_id INTEGER REFERENCES cases(id),"
                         "  owner_id INTEGER NOT NULL REFERENCES users(id),"
                         "  due_at INTEGER NOT NULL,"
                         "  status INTEGER NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),"
                         "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
                         "  description BLOB NOT NULL,"
                         "  evidence_needed BLOB,"
                         "  evidence BLOB,"
                         "  created_at INTEGER NOT NULL,"
                         "  created_by INTEGER NOT NULL REFERENCES users(id),"
                         "  closed_at INTEGER,"
                         "  closed_by INTEGER REFERENCES users(id));"
                         "CREATE INDEX actions_owner ON actions(owner_id, status, due_at);"
                         "CREATE INDEX actions_session ON actions(session_id);"
                         /* A closed action stays as it was closed. */
                         "CREATE TRIGGER actions_closed_stay_closed BEFORE UPDATE ON actions WHEN OLD.status <> 1"
                         "  BEGIN SELECT RAISE(ABORT, 'a closed action is not changed'); END;"
                         "CREATE TRIGGER actions_no_delete BEFORE DELETE ON actions"
                         "  BEGIN SELECT RAISE(ABORT, 'actions are never deleted'); END;";

/* An agreement is made by the supervisor and counts only once the
 * supervisee has signed it (and until it ends): access to someone's
 * sessions and cases must never rest on one side's say-so. */
static const char v6[] = "ALTER TABLE agreements ADD COLUMN supervisee_signed_at INTEGER;"
                         "ALTER TABLE agreements ADD COLUMN ended_at INTEGER;"
                         "CREATE INDEX agreements_active ON agreements(supervisor_id, supervisee_id)"
                         "  WHERE supervisee_signed_at IS NOT NULL AND ended_at IS NULL;";

/* Supervision in full. Frequency rules are organisation data, immutable
 * once made (an agreement's schedule must not change under it). An
 * agreement's terms are sealed under the supervisee's key and frozen once
 * signed; a change is a new version. Teams give managers oversight.
 * Group attendance is per member. A record revision is either the old
 * free text (format 1) or a sealed StoredRecord (format 2) whose wellbeing
 * text is sealed apart, so it can be withheld. Each case discussed gets a
 * row sealed under the case's own key: the case's decision log. */
static const char v7[] =
    "CREATE TABLE frequency_rules("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER NOT NULL REFERENCES users(id));"
    "CREATE TABLE frequency_steps("
    "  rule_id INTEGER NOT NULL REFERENCES frequency_rules(id),"
    "  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),"
    "  every_count INTEGER NOT NULL CHECK (every_count BETWEEN 1 AND 366),"
    "  every_unit INTEGER NOT NULL CHECK (every_unit BETWEEN 1 AND 3),"
    "  until_count INTEGER CHECK (until_count BETWEEN 1 AND 1200),"
    "  until_unit INTEGER CHECK (until_unit BETWEEN 1 AND 3),"
    "  PRIMARY KEY (rule_id, ordinal)) WITHOUT ROWID;"
    "CREATE TRIGGER frequency_rules_no_update BEFORE UPDATE ON frequency_rules"
    "  BEGIN SELECT RAISE(ABORT, 'frequency rules are not changed; make a new one'); END;"
    "CREATE TRIGGER frequency_rules_no_delete BEFORE DELETE ON frequency_rules"
    "  BEGIN SELECT RAISE(ABORT, 'frequency rules are not deleted'); END;"
    "CREATE TRIGGER frequency_steps_no_update BEFORE UPDATE ON frequency_steps"
    "  BEGIN SELECT RAISE(ABORT, 'frequency rules are not changed; make a new one'); END;"
    "CREATE TRIGGER frequency_steps_no_delete BEFORE DELETE ON frequency_steps"
    "  BEGIN SELECT RAISE(ABORT, 'frequency rules are not deleted'); END;"
    "ALTER TABLE agreements ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE agreements ADD COLUMN supersedes INTEGER REFERENCES agreements(id);"
    "ALTER TABLE agreements ADD COLUMN rule_id INTEGER REFERENCES frequency_rules(id);"
    "ALTER TABLE agreements ADD COLUMN starts_on TEXT;"
    "ALTER TABLE agreements ADD COLUMN review_on TEXT;"
    "ALTER TABLE agreements ADD COLUMN supervisor_signed_at INTEGER;"
    "ALTER TABLE agreements ADD COLUMN key_id INTEGER REFERENCES data_keys(id);"
    "ALTER TABLE agreements ADD COLUMN booking BLOB;"
    "ALTER TABLE agreements ADD COLUMN cancellation BLOB;"
    "ALTER TABLE agreements ADD COLUMN confidentiality BLOB;"
    "ALTER TABLE agreements ADD COLUMN record_access BLOB;"
    "ALTER TABLE agreements ADD COLUMN disagreements BLOB;"
    "ALTER TABLE agreements ADD COLUMN end_reason BLOB;"
    /* Agreements made before this version started, and were signed by the
     * supervisor, when made: written down now, before the freeze below, so
     * what a signed agreement says never rests on a reader's default. */
    "UPDATE agreements SET starts_on = date(created_at, 'unixepoch') WHERE starts_on IS NULL;"
    "UPDATE agreements SET supervisor_signed_at = created_at WHERE supervisor_signed_at IS NULL;"
    /* Signed means frozen: only the signature itself and the ending may
     * still be written, each once. Who made it and when are part of what
     * was signed, and the id is what sessions and audit rows point at. */
    "CREATE TRIGGER agreements_signed_are_frozen BEFORE UPDATE ON agreements"
    "  WHEN OLD.supervisee_signed_at IS NOT NULL AND ("
    "    NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by"
    "    OR NEW.supervisor_id IS NOT OLD.supervisor_id OR NEW.supervisee_id IS NOT OLD.supervisee_id"
    "    OR NEW.every_days IS NOT OLD.every_days OR NEW.minutes IS NOT OLD.minutes"
    "    OR NEW.version IS NOT OLD.version OR NEW.supersedes IS NOT OLD.supersedes"
    "    OR NEW.rule_id IS NOT OLD.rule_id OR NEW.starts_on IS NOT OLD.starts_on"
    "    OR NEW.review_on IS NOT OLD.review_on OR NEW.key_id IS NOT OLD.key_id"
    "    OR NEW.booking IS NOT OLD.booking OR NEW.cancellation IS NOT OLD.cancellation"
    "    OR NEW.confidentiality IS NOT OLD.confidentiality OR NEW.record_access IS NOT OLD.record_access"
    "    OR NEW.disagreements IS NOT OLD.disagreements"
    "    OR NEW.supervisee_signed_at IS NOT OLD.supervisee_signed_at"
    "    OR NEW.supervisor_signed_at IS NOT OLD.supervisor_signed_at"
    "    OR (OLD.ended_at IS NOT NULL AND (NEW.ended_at IS NOT OLD.ended_at OR NEW.end_reason IS NOT OLD.end_reason)))"
    "  BEGIN SELECT RAISE(ABORT, 'a signed agreement is frozen; make a new version'); END;"
    "CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements"
    "  BEGIN SELECT RAISE(ABORT, 'agreements are never deleted'); END;"
    "CREATE TABLE teams("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER NOT NULL REFERENCES users(id));"
    "CREATE TABLE team_members("
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  manager INTEGER NOT NULL DEFAULT 0 CHECK (manager IN (0, 1)),"
    "  added_at INTEGER NOT NULL,"
    "  added_by INTEGER NOT NULL REFERENCES users(id),"
    "  PRIMARY KEY (team_id, user_id)) WITHOUT ROWID;"
    "CREATE INDEX team_members_user ON team_members(user_id, team_id);"
    "ALTER TABLE session_members ADD COLUMN attendance INTEGER NOT NULL DEFAULT 0"
    "  CHECK (attendance BETWEEN 0 AND 2);"
    "ALTER TABLE session_members ADD COLUMN attendance_at INTEGER;"
    "ALTER TABLE session_members ADD COLUMN attendance_signed_at INTEGER;"
    "ALTER TABLE record_revisions ADD COLUMN format INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE record_revisions ADD COLUMN wellbeing BLOB;"
    "CREATE TABLE case_discussions("
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  revision INTEGER NOT NULL,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  decided_by INTEGER NOT NULL REFERENCES users(id),"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  risk BLOB,"
    "  decision BLOB,"
    "  rationale BLOB,"
    "  PRIMARY KEY (session_id, revision, case_id)) WITHOUT ROWID;"
    "CREATE INDEX case_discussions_case ON case_discussions(case_id, session_id);"
    "CREATE TRIGGER case_discussions_no_update BEFORE UPDATE ON case_discussions"
    "  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
    "CREATE TRIGGER case_discussions_no_delete BEFORE DELETE ON case_discussions"
    "  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;";

/* v8: events (docs/architecture.md#d6-events). The outbox holds one row per recipient, its
 * body (an Event without its seq) sealed under the recipient's own data key;
 * AUTOINCREMENT so a sequence number is never reused after pruning. A
 * topic is random per user and device, handed out at login. event_emits is
 * what the scheduler has emitted (or skipped as superseded), so a restart
 * neither repeats nor misses one. */
static const char v8[] =
    "CREATE TABLE events("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  kind INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  body BLOB);"
    "CREATE INDEX events_user ON events(user_id, seq);"
    "CREATE INDEX events_age ON events(created_at);"
    "CREATE TABLE event_topics("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  device TEXT NOT NULL,"
    "  topic BLOB NOT NULL UNIQUE CHECK (length(topic) = 16),"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, device)) WITHOUT ROWID;"
    "INSERT INTO event_topics(user_id, device, topic, created_at)"
    "  SELECT user_id, device, randomblob(16), MAX(created_at) FROM tokens GROUP BY user_id, device;"
    "CREATE TABLE event_emits("
    "  kind INTEGER NOT NULL,"
    "  object_id INTEGER NOT NULL,"
    "  fire_at INTEGER NOT NULL,"
    "  lead INTEGER NOT NULL,"
    "  emitted_at INTEGER NOT NULL,"
    "  late INTEGER NOT NULL DEFAULT 0,"
    "  superseded INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (kind, object_id, fire_at, lead)) WITHOUT ROWID;"
    /* Actions already overdue before events existed are old news: marked
     * as handled, so the first start does not send a flood of them. */
    "INSERT INTO event_emits(kind, object_id, fire_at, lead, emitted_at, late, superseded)"
    "  SELECT 10, id, due_at, 0, CAST(strftime('%s', 'now') AS INTEGER), 0, 1"
    "  FROM actions WHERE status = 1 AND due_at <= CAST(strftime('%s', 'now') AS INTEGER);"
    "CREATE INDEX sessions_start ON sessions(starts_at) WHERE status = 1;"
    "CREATE INDEX actions_due ON actions(due_at) WHERE status = 1;";

/* v9: performance indicators, oversight and evidence.
 * Indicator definitions are versioned and never changed; targets are in
 * force from a date until the next one for the same indicator and subject
 * (a practitioner or a team); measurements are append-only and keep the
 * definition version and target in force, so history never moves. An
 * evidence note is sealed under the subject's key (a team's key is
 * "team:ID"). Survey answers carry no user id: the respondent and the
 * session are keyed blind indexes, so answers can be counted per person
 * (the five-respondent rule) and given once per session, but not read back
 * to a person from the table; the comment is sealed under the "survey" key.
 * Inspectors are accounts with an expiry and team grants. A case's third
 * parties are sealed under the case's key, shredded with it. */
static const char v9[] =
    "ALTER TABLE users ADD COLUMN expires_at INTEGER;"
    "CREATE TABLE inspector_grants("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  granted_at INTEGER NOT NULL,"
    "  granted_by INTEGER NOT NULL REFERENCES users(id),"
    "  PRIMARY KEY (user_id, team_id)) WITHOUT ROWID;"
    "CREATE TABLE case_people("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  name BLOB NOT NULL,"
    "  relationship BLOB NOT NULL,"
    "  added_at INTEGER NOT NULL,"
    "  added_by INTEGER NOT NULL REFERENCES users(id));"
    "CREATE INDEX case_people_case ON case_people(case_id);"
    "CREATE TABLE kpi_goals("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER NOT NULL REFERENCES users(id));"
    "CREATE TABLE kpi_indicators("
    "  id INTEGER NOT NULL,"
    "  version INTEGER NOT NULL CHECK (version >= 1),"
    "  name TEXT NOT NULL,"
    "  definition TEXT NOT NULL,"
    "  measured_how TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  scale_min REAL NOT NULL,"
    "  scale_max REAL NOT NULL,"
    "  direction INTEGER NOT NULL CHECK (direction IN (1, 2)),"
    "  period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 3),"
    "  goal_id INTEGER NOT NULL REFERENCES kpi_goals(id),"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER NOT NULL REFERENCES users(id),"
    "  CHECK (scale_min < scale_max),"
    "  PRIMARY KEY (id, version)) WITHOUT ROWID;"
    "CREATE TRIGGER kpi_indicators_no_update BEFORE UPDATE ON kpi_indicators"
    "  BEGIN SELECT RAISE(ABORT, 'indicator definitions are versioned, not changed'); END;"
    "CREATE TRIGGER kpi_indicators_no_delete BEFORE DELETE ON kpi_indicators"
    "  BEGIN SELECT RAISE(ABORT, 'indicator definitions are never deleted'); END;"
    "CREATE TABLE kpi_targets("
    "  id INTEGER PRIMARY KEY,"
    "  indicator_id INTEGER NOT NULL,"
    "  user_id INTEGER REFERENCES users(id),"
    "  team_id INTEGER REFERENCES teams(id),"
    "  baseline REAL NOT NULL,"
    "  target REAL NOT NULL,"
    "  from_day TEXT NOT NULL,"
    "  set_at INTEGER NOT NULL,"
    "  set_by INTEGER NOT NULL REFERENCES users(id),"
    "  CHECK ((user_id IS NULL) <> (team_id IS NULL)));"
    "CREATE INDEX kpi_targets_subject ON kpi_targets(indicator_id, user_id, team_id, from_day);"
    "CREATE TRIGGER kpi_targets_no_update BEFORE UPDATE ON kpi_targets"
    "  BEGIN SELECT RAISE(ABORT, 'a target is not changed; set a new one'); END;"
    "CREATE TRIGGER kpi_targets_no_delete BEFORE DELETE ON kpi_targets"
    "  BEGIN SELECT RAISE(ABORT, 'targets are never deleted'); END;"
    "CREATE TABLE kpi_agreements("
    "  target_id INTEGER NOT NULL REFERENCES kpi_targets(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (target_id, user_id)) WITHOUT ROWID;"
    "CREATE TABLE kpi_measurements("
    "  id INTEGER PRIMARY KEY,"
    "  indicator_id INTEGER NOT NULL,"
    "  indicator_version INTEGER NOT NULL,"
    "  user_id INTEGER REFERENCES users(id),"
    "  team_id INTEGER REFERENCES teams(id),"
    "  period_day TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  target_id INTEGER REFERENCES kpi_targets(id),"
    "  recorded_at INTEGER NOT NULL,"
    "  recorded_by INTEGER NOT NULL REFERENCES users(id),"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  evidence BLOB,"
    "  CHECK ((user_id IS NULL) <> (team_id IS NULL)),"
    "  FOREIGN KEY (indicator_id, indicator_version) REFERENCES kpi_indicators(id, version));"
    "CREATE INDEX kpi_measurements_subject ON kpi_measurements(indicator_id, user_id, team_id, period_day, id);"
    "CREATE TRIGGER kpi_measurements_no_update BEFORE UPDATE ON kpi_measurements"
    "  BEGIN SELECT RAISE(ABORT, 'measurements are append-only; record a correction'); END;"
    "CREATE TRIGGER kpi_measurements_no_delete BEFORE DELETE ON kpi_measurements"
    "  BEGIN SELECT RAISE(ABORT, 'measurements are append-only; record a correction'); END;"
    "CREATE TABLE survey_responses("
    "  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
    "  respondent BLOB NOT NULL,"
    "  session_index BLOB NOT NULL,"
    "  supervisor_id INTEGER NOT NULL REFERENCES users(id),"
    "  answered_on TEXT NOT NULL,"
    "  q1 INTEGER NOT NULL CHECK (q1 BETWEEN 1 AND 5),"
    "  q2 INTEGER NOT NULL CHECK (q2 BETWEEN 1 AND 5),"
    "  q3 INTEGER NOT NULL CHECK (q3 BETWEEN 1 AND 5),"
    "  q4 INTEGER NOT NULL CHECK (q4 BETWEEN 1 AND 5),"
    "  q5 INTEGER NOT NULL CHECK (q5 BETWEEN 1 AND 5),"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  comment BLOB,"
    "  UNIQUE (respondent, session_index)) WITHOUT ROWID;"
    "CREATE INDEX survey_responses_day ON survey_responses(answered_on);"
    "CREATE TABLE survey_response_teams("
    "  response_id BLOB NOT NULL REFERENCES survey_responses(id),"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  PRIMARY KEY (team_id, response_id)) WITHOUT ROWID;";

/* v10: what running it for years needs.
 *  - audit.chain: keyed BLAKE2b over the previous entry's chain and this
 *    entry's fields (audit_chain.h). Rows written before v10 are chained
 *    once, at the first start with the key, which is the only update the
 *    log ever admits (a NULL chain becoming set, nothing else changing).
 *  - cases: retention. closed_at is set on closing and cleared on reopening;
 *    retain_until (YYYY-MM-DD, clear) is computed when it closes; a case
 *    whose date has passed is crypto-shredded (shredded_at) by destroying
 *    its data key, and its reference index is replaced by random bytes so
 *    the reference can no longer be confirmed either.
 *  - backups: what was backed up, where, and whether it worked, for
 *    `reflectd status` and for keeping the newest N scheduled ones. */
static const char v10[] =
    "ALTER TABLE audit ADD COLUMN chain BLOB;"
    "DROP TRIGGER audit_no_update;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  WHEN OLD.chain IS NOT NULL OR NEW.chain IS NULL OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at"
    "    OR NEW.user_id IS NOT OLD.user_id OR NEW.device IS NOT OLD.device OR NEW.action IS NOT OLD.action"
    "    OR NEW.object IS NOT OLD.object OR NEW.detail IS NOT OLD.detail"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "ALTER TABLE cases ADD COLUMN looked_after INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN closed_at INTEGER;"
    "ALTER TABLE cases ADD COLUMN retain_until TEXT;"
    "ALTER TABLE cases ADD COLUMN shredded_at INTEGER;"
    "CREATE INDEX cases_retention ON cases(retain_until) WHERE retain_until IS NOT NULL AND shredded_at IS NULL;"
    "CREATE TABLE backups("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  path TEXT NOT NULL,"
    "  bytes INTEGER NOT NULL DEFAULT 0,"
    "  scheduled INTEGER NOT NULL DEFAULT 0,"
    "  ok INTEGER NOT NULL,"
    "  error TEXT NOT NULL DEFAULT '',"
    "  removed_at INTEGER);";

/* v11: hardening against password resets, guessing and lockouts.
 *  - users.must_change_password: a password an administrator set (a new
 *    account's first, or a reset) allows nothing but choosing one's own
 *    (admin_set_at: when, for the next login's notice). An account whose
 *    owner never changed the password an administrator last set (the
 *    audit says which came last) is gated from now on too.
 *  - familiar_devices: the devices each account has logged in on. Failed
 *    logins from unfamiliar devices throttle only unfamiliar devices, so
 *    nobody can lock a person out of the devices they use; their logins go
 *    ahead of strangers' on the password-hashing workers. Devices with a
 *    live login today start familiar.
 *  - login_failures: failed logins counted per account, device and hour,
 *    so a flood of guesses adds a bounded number of audit rows.
 *  - event topics are made afresh at each login and bound to the device's
 *    key, so the old ones go (a device gets its new one when it next logs
 *    in). */
static const char v11[] =
    "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN admin_set_at INTEGER;"
    "UPDATE users SET must_change_password = 1,"
    "  admin_set_at = (SELECT max(at) FROM audit WHERE object = 'user:' || users.id"
    "   AND action IN ('user.add', 'password.reset'))"
    " WHERE created_by IS NOT NULL AND"
    "  coalesce((SELECT max(id) FROM audit WHERE object = 'user:' || users.id AND action = 'password.change'), 0) <"
    "  coalesce((SELECT max(id) FROM audit WHERE object = 'user:' || users.id"
    "   AND action IN ('user.add', 'password.reset')), 0);"
    "CREATE TABLE familiar_devices("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  device TEXT NOT NULL,"
    "  first_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, device)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO familiar_devices(user_id, device, first_at, last_at)"
    "  SELECT user_id, device, min(created_at), max(last_seen) FROM tokens GROUP BY user_id, device;"
    "CREATE TABLE login_failures("
    "  window INTEGER NOT NULL,"
    "  account TEXT NOT NULL,"
    "  device TEXT NOT NULL,"
    "  failures INTEGER NOT NULL,"
    "  first_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL,"
    "  PRIMARY KEY (window, account, device)) WITHOUT ROWID;"
    /* The ZAP handler asks, at each handshake, whether a device has a live
     * login (events) or has ever logged in (requests, when crowded). */
    "CREATE INDEX tokens_device ON tokens(device);"
    "CREATE INDEX familiar_devices_device ON familiar_devices(device);"
    /* Topics are now made at each login and checked against the device's
     * key (topic.h): the old random ones would be refused, so they go, and
     * each device gets its new one at its next login. */
    "DELETE FROM event_topics;";

/* v12: bounded comments (one user must not add without bound).
 *  - record_signoffs.comments_seen: the newest comment on the session when
 *    the signature was made. A comment is signed by every party when its id
 *    is at most the smallest comments_seen among a frozen revision's
 *    signatures; inspectors see only those. Signatures made before this
 *    version are given the newest comment made in an earlier second than
 *    the signature (a comment in the same second is not known to have come
 *    first, so it counts as unsigned: the safe side for evidence). The
 *    append-only trigger is lifted only for that one backfill.
 *  - Indexes for the bounds on comments: per person per day (author, at)
 *    and per person or kind on one record (session, author, kind). */
static const char v12[] = "ALTER TABLE record_signoffs ADD COLUMN comments_seen INTEGER NOT NULL DEFAULT 0;"
                          "DROP TRIGGER record_signoffs_no_update;"
                          "UPDATE record_signoffs SET comments_seen = coalesce((SELECT max(m.id) FROM record_comments m"
                          "  WHERE m.session_id = record_signoffs.session_id AND m.at < record_signoffs.at), 0);"
                          "CREATE TRIGGER record_signoffs_no_update BEFORE UPDATE ON record_signoffs"
                          "  BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;"
                          "CREATE INDEX record_comments_author ON record_comments(author_id, at);"
                          "CREATE INDEX record_comments_party ON record_comments(session_id, author_id, kind);";

/* v13: refusals of requests that name what the caller may not see (a
 * case by its reference, a person by username) are counted per person,
 * kind and hour (probes.h): the audit gets a row for each of the first few
 * only, so a flood cannot grow it without bound, and the count lets the
 * server stop answering such requests from that person for the rest of
 * the hour. A row exists only for an hour with refusals. */
static const char v13[] = "CREATE TABLE probes("
                          "  user_id INTEGER NOT NULL REFERENCES users(id),"
                          "  kind TEXT NOT NULL,"
                          "  since INTEGER NOT NULL,"
                          "  refusals INTEGER NOT NULL,"
                          "  first_at INTEGER NOT NULL,"
                          "  last_at INTEGER NOT NULL,"
                          "  PRIMARY KEY (user_id, kind, since)) WITHOUT ROWID;";


/* v14: shredding a case must shred what was said about it in session
 * records. Until v14 a case section (reference, situation .. rationale)
 * was packed into the revision's body, sealed under the SESSION's key, so
 * destroying the case's key left it readable. From v14 (record format 3)
 * the body keeps only a placeholder (kind and case id) and each case
 * section's texts live here, sealed under the CASE's key and bound to the
 * revision row, its revision number and session, the section's position
 * and the case (store_records.h). Append-only, like the revision.
 *
 * Revisions written before v14 (format 2) are moved once, at the first
 * start with keys (store_records_reseal; SQL cannot seal): their case
 * parts go here and their body is replaced by one without them. That is
 * the one UPDATE a revision ever admits, and the trigger admits exactly
 * it: format 2 becoming 3, with nothing but the body changing (the id,
 * session, revision, author, time, key, reason and wellbeing stay as they
 * were). A format-3 row can never change again, and new rows are born
 * format 3, so once the move is done the table is as append-only as
 * before. The new body is bound to ";format=3" in its associated data, so
 * it cannot be forged without the session's key, nor a format-2 body (with
 * its case parts) relabelled as format 3 without re-sealing. Updating in
 * place rather than copying to a new table keeps every revision's id (what
 * signatures, comments, decisions and audit rows point at), and
 * secure_delete zeroes the old body's bytes (then a WAL checkpoint). */
static const char v14[] =
    "CREATE TABLE record_case_sections("
    "  revision_id INTEGER NOT NULL REFERENCES record_revisions(id),"
    "  position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 63),"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
    "  reference BLOB,"
    "  situation BLOB,"
    "  analysis BLOB,"
    "  risk BLOB,"
    "  decision BLOB,"
    "  rationale BLOB,"
    "  PRIMARY KEY (revision_id, position)) WITHOUT ROWID;"
    "CREATE INDEX record_case_sections_case ON record_case_sections(case_id);"
    "CREATE TRIGGER record_case_sections_no_update BEFORE UPDATE ON record_case_sections"
    "  BEGIN SELECT RAISE(ABORT, 'record revisions are append-only'); END;"
    "CREATE TRIGGER record_case_sections_no_delete BEFORE DELETE ON record_case_sections"
    "  BEGIN SELECT RAISE(ABORT, 'record revisions are append-only'); END;"
    "DROP TRIGGER record_revisions_no_update;"
    "CREATE TRIGGER record_revisions_no_update BEFORE UPDATE ON record_revisions"
    "  WHEN OLD.format IS NOT 2 OR NEW.format IS NOT 3 OR NEW.id IS NOT OLD.id"
    "    OR NEW.session_id IS NOT OLD.session_id OR NEW.revision IS NOT OLD.revision"
    "    OR NEW.author_id IS NOT OLD.author_id OR NEW.created_at IS NOT OLD.created_at"
    "    OR NEW.key_id IS NOT OLD.key_id OR NEW.reason IS NOT OLD.reason OR NEW.wellbeing IS NOT OLD.wellbeing"
    "  BEGIN SELECT RAISE(ABORT, 'record revisions are append-only'); END;";

/* v15: drafts. What a person has typed into a form and not yet saved as
 * a record revision (the web application saves it as they type), sealed
 * under their own user key and bound to user, session and form, so only
 * its author can read it. One per person, session and form; a person has
 * at most DRAFTS_PER_USER; the scheduler deletes those not saved for
 * DRAFTS_KEEP_DAYS, and writing the revision deletes its draft. */
static const char v15[] = "CREATE TABLE drafts("
                          "  id INTEGER PRIMARY KEY,"
                          "  user_id INTEGER NOT NULL REFERENCES users(id),"
                          "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
                          "  form TEXT NOT NULL CHECK (length(form) BETWEEN 1 AND 32),"
                          "  key_id INTEGER NOT NULL REFERENCES data_keys(id),"
                          "  content BLOB NOT NULL,"
                          "  saved_at INTEGER NOT NULL,"
                          "  UNIQUE (user_id, session_id, form));"
                          "CREATE INDEX drafts_age ON drafts(saved_at);";

const char *const db_schema_migrations[] = {v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15};
const int db_schema_count = sizeof db_schema_migrations / sizeof db_schema_migrations[0];
