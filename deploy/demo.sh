#!/usr/bin/env bash
# A demonstration organisation, so a newcomer can see Reflect as a social
# worker sees it: a fictional team (a manager, a supervisor, two
# practitioners), fictional cases, signed agreements and a month of
# sessions (held, recorded and signed; one record waiting for a signature;
# one session waiting to be written up; actions due and overdue; sessions
# booked ahead). Every name says "(fictional)": nothing here is real.
#
#   deploy/demo.sh BUILD_DIR DATA_DIR ADMIN_PASSWORD SERVER EVENTS
#
# Run against a running reflectd (deploy/quickstart.sh does, when asked).
# Everyone's password is printed at the end. Each person's device is a
# config under DATA_DIR/demo-devices/, so the demonstration does not touch
# your own `reflect` config.
set -euo pipefail
build=$1 data=$2 admin_password=$3 server=$4 events=$5
reflect="$build/client/reflect"
key=$(cat "$data/server.pub")
devices="$data/demo-devices"
password="fictional-demo-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
first="$password-first"
mkdir -p "$devices"
chmod 700 "$devices"

as() { # as USER reflect-arguments...: quiet unless it fails
  local who=$1 err
  shift
  err=$(mktemp)
  if ! REFLECT_CONFIG="$devices/$who/config" "$reflect" "$@" 2>"$err"; then
    echo "demo.sh: reflect $* (as $who) failed:" >&2
    cat "$err" >&2
    rm -f "$err"
    return 1
  fi
  rm -f "$err"
}
device() {
  as "$1" setup --server "$server" --events "$events" --server-key "$key" >/dev/null
}
day() { date -d "$1" +%F; }

device admin
as admin login admin --password-stdin <<<"$admin_password" >/dev/null
people=(
  "mona|Mona Okoro (fictional)|manager"
  "sam|Sam Adeyemi (fictional)|supervisor"
  "pat|Pat Shaw (fictional)|practitioner"
  "jo|Jo Lindqvist (fictional)|practitioner"
)
for p in "${people[@]}"; do
  IFS='|' read -r user name role <<<"$p"
  as admin user add "$user" --name "$name" --role "$role" --password-stdin <<<"$first" >/dev/null
  device "$user"
  as "$user" login "$user" --password-stdin <<<"$first" >/dev/null
  printf '%s\n%s\n' "$first" "$password" | as "$user" password --password-stdin >/dev/null
done
team="Northgate Children's Team (fictional)"
as admin team add "$team" >/dev/null
as admin team member "$team" mona --manager >/dev/null
for u in sam pat jo; do as admin team member "$team" "$u" >/dev/null; done

for who in pat jo; do
  agreement=$(as sam agreement add --supervisee "$who" --every 28 --minutes 90 \
    --booking "Tuesdays at 10:00, booked six weeks ahead" \
    --cancellation "A cancelled session is rebooked within 5 working days" \
    --confidentiality "Confidential, unless a child or adult is at risk of harm" \
    --record-access "Sam, the practitioner and the team manager; wellbeing notes only the two" \
    --disagreements "Recorded on the record; unresolved ones go to the team manager" \
    --review "$(day '+6 months')")
  as "$who" agreement sign "$agreement" >/dev/null
done

as sam case add --ref CH-DEMO-001 --name "Ada Brown (fictional)" --dob 2015-06-14 --risk high --worker pat >/dev/null
as sam case add --ref CH-DEMO-002 --name "The Doyle family (fictional)" --risk low --worker pat >/dev/null
as sam case add --ref CH-DEMO-003 --name "Kai Morgan (fictional)" --dob 2011-02-03 --risk medium --worker jo >/dev/null

record() { # record SESSION CASE CHILD: a record of a fictional supervision
  as sam record write "$1" --file - >/dev/null <<END
[wellbeing]
(Fictional) Tired after two court hearings; we agreed to protect Friday afternoons for recording.

[case $2]
situation: (Fictional) School reports a bruise on $3's arm, the second this month.
analysis: A pattern may be emerging; the explanations given do not agree.
risk: high
decision: Ask for a strategy discussion within 48 hours.
rationale: Two unexplained injuries in a month meet the threshold for a strategy discussion.

[development]
(Fictional) Will book the court skills course.

[actions]
Visit $3 at school before the strategy discussion.
END
}

# A month of supervision.
s1=$(as sam session add --with pat --at "$(day '-28 days') 10:00" --minutes 90 --room "Room 4")
as sam session held "$s1" >/dev/null
record "$s1" CH-DEMO-001 Ada
as sam record sign "$s1" --revision 1 >/dev/null
as pat record sign "$s1" --revision 1 >/dev/null
as sam action add "$s1" --owner pat --due "$(day '+5 days')" --description "Visit Ada at school" \
  --evidence-needed "the visit note" --case CH-DEMO-001 >/dev/null

s2=$(as sam session add --with jo --at "$(day '-14 days') 10:00" --minutes 90 --room "Room 4")
as sam session held "$s2" >/dev/null
record "$s2" CH-DEMO-003 Kai
as sam record sign "$s2" --revision 1 >/dev/null # Jo has yet to sign: it waits for Jo
as sam action add "$s2" --owner jo --due "$(day '-2 days')" --description "Update Kai's plan" \
  --evidence-needed "the plan, shared with the IRO" --case CH-DEMO-003 >/dev/null

group=$(as sam session add --with pat --with jo --at "$(day '-7 days') 14:00" --minutes 120 --room "Large room")
as sam session held "$group" >/dev/null
as sam session add --with pat --at "$(day '-1 day') 10:00" --minutes 90 --room "Room 4" >/dev/null # to write up

as sam session add --with pat --at "$(day '+3 days') 10:00" --minutes 90 --room "Room 4" >/dev/null
as sam session add --with jo --at "$(day '+10 days') 10:00" --minutes 90 --room "Room 4" >/dev/null
as sam session add --with pat --with jo --at "$(day '+14 days') 14:00" --minutes 120 --room "Large room" >/dev/null

cat <<MSG

== A demonstration organisation is ready: Northgate Children's Team. Everything in it is
   fictional. Log in as any of these, all with the password  $password
     sam   a supervisor: sessions to write up and sign, agreements, the team's cases
     pat   a practitioner: a record to read, actions due, sessions booked
     jo    a practitioner: a record waiting for a signature, an overdue action
     mona  the team manager
MSG
