/*
 * page_record — a session's record: reading a revision (its sections,
 * who has signed it and who has yet to, its comments and disagreements),
 * signing the revision you read, commenting or disagreeing, writing or
 * amending it through a form with the structured sections, and its
 * history of revisions.
 *
 * Contract:
 *  - Sections the reader may not read (another person's wellbeing notes,
 *    a case not theirs) show as withheld, never as absent.
 *  - Signing names the revision shown: the server refuses it if a newer
 *    one exists, so nobody signs what they did not read.
 *  - The form offers the cases on the session's agenda and those already
 *    in the record; an amendment needs a reason; a refusal re-shows the
 *    form with everything typed and the server's reason beside its field.
 *  - Nothing typed is lost: every submit saves the form as the person's
 *    draft first (and the page's script saves it as they type); the form
 *    starts from a draft newer than the record, saying so, with a way to
 *    discard it; a form posted after the login lapsed is kept in the
 *    session and comes back after the next login.
 */
#ifndef REFLECT_WEB_PAGE_RECORD_H
#define REFLECT_WEB_PAGE_RECORD_H

#include "page.h"

void page_record_show(page_ctx *p);
void page_record_sign_post(page_ctx *p);
void page_record_comment_post(page_ctx *p);
void page_record_edit_get(page_ctx *p);
void page_record_edit_post(page_ctx *p);
void page_record_history(page_ctx *p);
/* The page's script saving the form as a draft while it is typed. */
void page_record_draft_post(page_ctx *p);
void page_record_draft_discard_post(page_ctx *p);

#endif
