/* poise-follow-up.c: a promise made to a customer, with a due time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain data: the store persists it, the scheduler reads it, the sync
 * client will send its JSON.  Times are kept in UTC and in whole seconds,
 * because that is what the database holds; an object that round-trips
 * through the store compares equal to what went in.
 */
#define G_LOG_DOMAIN "poise-follow-up"

#include "config.h"

#include "poise-follow-up.h"
#include "poise-core-enums.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

struct _PoiseFollowUp
{
  GObject              parent_instance;

  char                *uuid;
  char                *customer_name;
  char                *customer_ref;
  char                *contact;
  char                *promise;
  char                *note;
  char                *assignee;
  char                *author;
  char                *updated_by;
  gint64               rev;
  GDateTime           *due_at;
  GDateTime           *created_at;
  GDateTime           *updated_at;
  PoiseChannel         channel;
  PoiseFollowUpStatus  status;
  guint                cancel_on_reply : 1;
};

G_DEFINE_FINAL_TYPE (PoiseFollowUp, poise_follow_up, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_CUSTOMER_NAME,
  PROP_CUSTOMER_REF,
  PROP_CONTACT,
  PROP_CHANNEL,
  PROP_PROMISE,
  PROP_DUE_AT,
  PROP_CANCEL_ON_REPLY,
  PROP_STATUS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_NOTE,
  PROP_ASSIGNEE,
  PROP_REV,
  PROP_AUTHOR,
  PROP_UPDATED_BY,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static const char * const channel_names[] = { "call", "email", "chat" };
static const char * const status_names[] = { "open", "done", "cancelled" };

/* Auxiliary methods */

/* "" and NULL mean the same (nothing written), so only NULL is kept. */
static void
set_text (PoiseFollowUp  *self,
          char          **field,
          const char     *value,
          guint           prop_id)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* UTC, whole seconds: exactly what the store can hold. */
static GDateTime *
normalize_time (GDateTime *time)
{
  return g_date_time_new_from_unix_utc (g_date_time_to_unix (time));
}

static void
set_time (PoiseFollowUp  *self,
          GDateTime     **field,
          GDateTime      *value,
          guint           prop_id)
{
  g_autoptr(GDateTime) normalized = normalize_time (value);

  if (*field != NULL && g_date_time_equal (*field, normalized))
    return;

  g_clear_pointer (field, g_date_time_unref);
  *field = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* GObject overrides */

static void
poise_follow_up_constructed (GObject *object)
{
  PoiseFollowUp *self = POISE_FOLLOW_UP (object);

  G_OBJECT_CLASS (poise_follow_up_parent_class)->constructed (object);

  /* Client-generated, so a create can be retried without making a copy. */
  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
}

static void
poise_follow_up_finalize (GObject *object)
{
  PoiseFollowUp *self = (PoiseFollowUp *) object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->customer_name, g_free);
  g_clear_pointer (&self->customer_ref, g_free);
  g_clear_pointer (&self->contact, g_free);
  g_clear_pointer (&self->promise, g_free);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->assignee, g_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->updated_by, g_free);
  g_clear_pointer (&self->due_at, g_date_time_unref);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (poise_follow_up_parent_class)->finalize (object);
}

static void
poise_follow_up_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PoiseFollowUp *self = POISE_FOLLOW_UP (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_CUSTOMER_NAME:
      g_value_set_string (value, self->customer_name);
      break;
    case PROP_CUSTOMER_REF:
      g_value_set_string (value, self->customer_ref);
      break;
    case PROP_CONTACT:
      g_value_set_string (value, self->contact);
      break;
    case PROP_CHANNEL:
      g_value_set_enum (value, self->channel);
      break;
    case PROP_PROMISE:
      g_value_set_string (value, self->promise);
      break;
    case PROP_DUE_AT:
      g_value_set_boxed (value, self->due_at);
      break;
    case PROP_CANCEL_ON_REPLY:
      g_value_set_boolean (value, self->cancel_on_reply);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_ASSIGNEE:
      g_value_set_string (value, self->assignee);
      break;
    case PROP_REV:
      g_value_set_int64 (value, self->rev);
      break;
    case PROP_AUTHOR:
      g_value_set_string (value, self->author);
      break;
    case PROP_UPDATED_BY:
      g_value_set_string (value, self->updated_by);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_follow_up_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PoiseFollowUp *self = POISE_FOLLOW_UP (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_assert (self->uuid == NULL);
      self->uuid = g_value_dup_string (value);
      break;
    case PROP_CUSTOMER_NAME:
      poise_follow_up_set_customer_name (self, g_value_get_string (value));
      break;
    case PROP_CUSTOMER_REF:
      poise_follow_up_set_customer_ref (self, g_value_get_string (value));
      break;
    case PROP_CONTACT:
      poise_follow_up_set_contact (self, g_value_get_string (value));
      break;
    case PROP_CHANNEL:
      poise_follow_up_set_channel (self, g_value_get_enum (value));
      break;
    case PROP_PROMISE:
      poise_follow_up_set_promise (self, g_value_get_string (value));
      break;
    case PROP_DUE_AT:
      if (g_value_get_boxed (value) != NULL)
        poise_follow_up_set_due_at (self, g_value_get_boxed (value));
      break;
    case PROP_CANCEL_ON_REPLY:
      poise_follow_up_set_cancel_on_reply (self, g_value_get_boolean (value));
      break;
    case PROP_STATUS:
      poise_follow_up_set_status (self, g_value_get_enum (value));
      break;
    case PROP_CREATED_AT:
      if (g_value_get_boxed (value) != NULL)
        poise_follow_up_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_UPDATED_AT:
      if (g_value_get_boxed (value) != NULL)
        poise_follow_up_set_updated_at (self, g_value_get_boxed (value));
      break;
    case PROP_NOTE:
      poise_follow_up_set_note (self, g_value_get_string (value));
      break;
    case PROP_ASSIGNEE:
      poise_follow_up_set_assignee (self, g_value_get_string (value));
      break;
    case PROP_REV:
      poise_follow_up_set_rev (self, g_value_get_int64 (value));
      break;
    case PROP_AUTHOR:
      poise_follow_up_set_author (self, g_value_get_string (value));
      break;
    case PROP_UPDATED_BY:
      poise_follow_up_set_updated_by (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_follow_up_class_init (PoiseFollowUpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = poise_follow_up_constructed;
  object_class->finalize = poise_follow_up_finalize;
  object_class->get_property = poise_follow_up_get_property;
  object_class->set_property = poise_follow_up_set_property;

  /**
   * PoiseFollowUp:uuid:
   *
   * Generated when the follow-up is created and never changed: the sync
   * identifies records by it.
   */
  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CUSTOMER_NAME] =
    g_param_spec_string ("customer-name", NULL, NULL, NULL, flags);
  /**
   * PoiseFollowUp:customer-ref:
   *
   * A ticket or order number.
   */
  properties[PROP_CUSTOMER_REF] =
    g_param_spec_string ("customer-ref", NULL, NULL, NULL, flags);
  /**
   * PoiseFollowUp:contact:
   *
   * A phone number or an email address.
   */
  properties[PROP_CONTACT] =
    g_param_spec_string ("contact", NULL, NULL, NULL, flags);
  properties[PROP_CHANNEL] =
    g_param_spec_enum ("channel", NULL, NULL, POISE_TYPE_CHANNEL, POISE_CHANNEL_CALL, flags);
  /**
   * PoiseFollowUp:promise:
   *
   * What the agent promised, in the agent's words.
   */
  properties[PROP_PROMISE] =
    g_param_spec_string ("promise", NULL, NULL, NULL, flags);
  /**
   * PoiseFollowUp:due-at:
   *
   * When the promise falls due, in UTC and whole seconds; the app shows it
   * in local time.
   */
  properties[PROP_DUE_AT] =
    g_param_spec_boxed ("due-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /**
   * PoiseFollowUp:cancel-on-reply:
   *
   * Whether a reply from the customer cancels the follow-up; if %FALSE it
   * stays until its due time regardless.
   */
  properties[PROP_CANCEL_ON_REPLY] =
    g_param_spec_boolean ("cancel-on-reply", NULL, NULL, FALSE, flags);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, POISE_TYPE_FOLLOW_UP_STATUS,
                       POISE_FOLLOW_UP_STATUS_OPEN, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL, flags);
  /**
   * PoiseFollowUp:assignee:
   *
   * Who on the team keeps the promise, or %NULL for whoever made it.
   */
  properties[PROP_ASSIGNEE] =
    g_param_spec_string ("assignee", NULL, NULL, NULL, flags);
  /**
   * PoiseFollowUp:rev:
   *
   * The server's revision; 0 if the follow-up was never synced.
   */
  properties[PROP_REV] =
    g_param_spec_int64 ("rev", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /**
   * PoiseFollowUp:author:
   *
   * Who made it, as the server knows them; %NULL before the first sync.
   */
  properties[PROP_AUTHOR] =
    g_param_spec_string ("author", NULL, NULL, NULL, flags);
  properties[PROP_UPDATED_BY] =
    g_param_spec_string ("updated-by", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
poise_follow_up_init (PoiseFollowUp *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->created_at = normalize_time (now);
  self->updated_at = g_date_time_ref (self->created_at);
  self->due_at = g_date_time_ref (self->created_at);
  self->channel = POISE_CHANNEL_CALL;
  self->status = POISE_FOLLOW_UP_STATUS_OPEN;
}

/* Public API */

const char *
poise_channel_to_string (PoiseChannel channel)
{
  g_return_val_if_fail (channel <= POISE_CHANNEL_CHAT, NULL);
  return channel_names[channel];
}

gboolean
poise_channel_from_string (const char   *text,
                           PoiseChannel *channel)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (channel_names); i++)
    if (g_str_equal (text, channel_names[i]))
      {
        *channel = i;
        return TRUE;
      }
  return FALSE;
}

const char *
poise_follow_up_status_to_string (PoiseFollowUpStatus status)
{
  g_return_val_if_fail (status <= POISE_FOLLOW_UP_STATUS_CANCELLED, NULL);
  return status_names[status];
}

gboolean
poise_follow_up_status_from_string (const char          *text,
                                    PoiseFollowUpStatus *status)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (g_str_equal (text, status_names[i]))
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * poise_follow_up_new:
 *
 * An open follow-up with a new UUID, created, updated and due now.
 *
 * Returns: (transfer full): a new follow-up
 */
PoiseFollowUp *
poise_follow_up_new (void)
{
  return g_object_new (POISE_TYPE_FOLLOW_UP, NULL);
}

/**
 * poise_follow_up_copy:
 *
 * Returns: (transfer full): a follow-up with the same UUID and values
 */
PoiseFollowUp *
poise_follow_up_copy (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);

  return g_object_new (POISE_TYPE_FOLLOW_UP,
                       "uuid", self->uuid,
                       "customer-name", self->customer_name,
                       "customer-ref", self->customer_ref,
                       "contact", self->contact,
                       "channel", self->channel,
                       "promise", self->promise,
                       "due-at", self->due_at,
                       "cancel-on-reply", (gboolean) self->cancel_on_reply,
                       "status", self->status,
                       "created-at", self->created_at,
                       "updated-at", self->updated_at,
                       "note", self->note,
                       "assignee", self->assignee,
                       "rev", self->rev,
                       "author", self->author,
                       "updated-by", self->updated_by,
                       NULL);
}

const char *
poise_follow_up_get_uuid (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->uuid;
}

/**
 * poise_follow_up_get_customer_name:
 *
 * Returns: (nullable): the customer's name
 */
const char *
poise_follow_up_get_customer_name (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->customer_name;
}

void
poise_follow_up_set_customer_name (PoiseFollowUp *self,
                                   const char    *customer_name)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->customer_name, customer_name, PROP_CUSTOMER_NAME);
}

/**
 * poise_follow_up_get_customer_ref:
 *
 * Returns: (nullable): the ticket or order number
 */
const char *
poise_follow_up_get_customer_ref (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->customer_ref;
}

void
poise_follow_up_set_customer_ref (PoiseFollowUp *self,
                                  const char    *customer_ref)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->customer_ref, customer_ref, PROP_CUSTOMER_REF);
}

/**
 * poise_follow_up_get_contact:
 *
 * Returns: (nullable): a phone number or email address
 */
const char *
poise_follow_up_get_contact (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->contact;
}

void
poise_follow_up_set_contact (PoiseFollowUp *self,
                             const char    *contact)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->contact, contact, PROP_CONTACT);
}

PoiseChannel
poise_follow_up_get_channel (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), POISE_CHANNEL_CALL);
  return self->channel;
}

void
poise_follow_up_set_channel (PoiseFollowUp *self,
                             PoiseChannel   channel)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  g_return_if_fail (channel <= POISE_CHANNEL_CHAT);

  if (self->channel == channel)
    return;
  self->channel = channel;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL]);
}

/**
 * poise_follow_up_get_promise:
 *
 * Returns: (nullable): the promise in the agent's words
 */
const char *
poise_follow_up_get_promise (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->promise;
}

void
poise_follow_up_set_promise (PoiseFollowUp *self,
                             const char    *promise)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->promise, promise, PROP_PROMISE);
}

/**
 * poise_follow_up_get_due_at:
 *
 * Returns: (transfer none): the due time, UTC
 */
GDateTime *
poise_follow_up_get_due_at (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->due_at;
}

/**
 * poise_follow_up_set_due_at:
 * @due_at: any time zone; kept as UTC, truncated to the second
 */
void
poise_follow_up_set_due_at (PoiseFollowUp *self,
                            GDateTime     *due_at)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  g_return_if_fail (due_at != NULL);
  set_time (self, &self->due_at, due_at, PROP_DUE_AT);
}

gboolean
poise_follow_up_get_cancel_on_reply (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), FALSE);
  return self->cancel_on_reply;
}

void
poise_follow_up_set_cancel_on_reply (PoiseFollowUp *self,
                                     gboolean       cancel_on_reply)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));

  cancel_on_reply = !!cancel_on_reply;
  if (self->cancel_on_reply == cancel_on_reply)
    return;
  self->cancel_on_reply = cancel_on_reply;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCEL_ON_REPLY]);
}

PoiseFollowUpStatus
poise_follow_up_get_status (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), POISE_FOLLOW_UP_STATUS_OPEN);
  return self->status;
}

void
poise_follow_up_set_status (PoiseFollowUp       *self,
                            PoiseFollowUpStatus  status)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  g_return_if_fail (status <= POISE_FOLLOW_UP_STATUS_CANCELLED);

  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * poise_follow_up_get_created_at:
 *
 * Returns: (transfer none): when the promise was made, UTC
 */
GDateTime *
poise_follow_up_get_created_at (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->created_at;
}

void
poise_follow_up_set_created_at (PoiseFollowUp *self,
                                GDateTime     *created_at)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  g_return_if_fail (created_at != NULL);
  set_time (self, &self->created_at, created_at, PROP_CREATED_AT);
}

/**
 * poise_follow_up_get_updated_at:
 *
 * Returns: (transfer none): when it last changed, UTC; for display only,
 *   never to decide a conflict
 */
GDateTime *
poise_follow_up_get_updated_at (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->updated_at;
}

void
poise_follow_up_set_updated_at (PoiseFollowUp *self,
                                GDateTime     *updated_at)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  g_return_if_fail (updated_at != NULL);
  set_time (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
}

/**
 * poise_follow_up_get_note:
 *
 * Returns: (nullable): the agent's note
 */
const char *
poise_follow_up_get_note (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->note;
}

void
poise_follow_up_set_note (PoiseFollowUp *self,
                          const char    *note)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->note, note, PROP_NOTE);
}

/**
 * poise_follow_up_get_assignee:
 *
 * Returns: (nullable): who keeps the promise
 */
const char *
poise_follow_up_get_assignee (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->assignee;
}

void
poise_follow_up_set_assignee (PoiseFollowUp *self,
                              const char    *assignee)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->assignee, assignee, PROP_ASSIGNEE);
}

gint64
poise_follow_up_get_rev (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), 0);
  return self->rev;
}

void
poise_follow_up_set_rev (PoiseFollowUp *self,
                         gint64         rev)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  g_return_if_fail (rev >= 0);

  if (self->rev == rev)
    return;
  self->rev = rev;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
}

/**
 * poise_follow_up_get_author:
 *
 * Returns: (nullable): who made it; %NULL before the first sync
 */
const char *
poise_follow_up_get_author (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->author;
}

void
poise_follow_up_set_author (PoiseFollowUp *self,
                            const char    *author)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->author, author, PROP_AUTHOR);
}

/**
 * poise_follow_up_get_updated_by:
 *
 * Returns: (nullable): who changed it last, as the server knows them
 */
const char *
poise_follow_up_get_updated_by (PoiseFollowUp *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);
  return self->updated_by;
}

void
poise_follow_up_set_updated_by (PoiseFollowUp *self,
                                const char    *updated_by)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP (self));
  set_text (self, &self->updated_by, updated_by, PROP_UPDATED_BY);
}

gboolean
poise_follow_up_content_equal (PoiseFollowUp *a,
                               PoiseFollowUp *b)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (a) && POISE_IS_FOLLOW_UP (b), FALSE);

  return g_str_equal (a->uuid, b->uuid) &&
         g_strcmp0 (a->customer_name, b->customer_name) == 0 &&
         g_strcmp0 (a->customer_ref, b->customer_ref) == 0 &&
         g_strcmp0 (a->contact, b->contact) == 0 &&
         a->channel == b->channel &&
         g_strcmp0 (a->promise, b->promise) == 0 &&
         g_date_time_equal (a->due_at, b->due_at) &&
         a->cancel_on_reply == b->cancel_on_reply &&
         a->status == b->status &&
         g_date_time_equal (a->created_at, b->created_at) &&
         g_strcmp0 (a->note, b->note) == 0 &&
         g_strcmp0 (a->assignee, b->assignee) == 0;
}

/* JSON */

static void
add_text (JsonBuilder *builder,
          const char  *name,
          const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *value)
{
  g_autofree char *text = g_date_time_format_iso8601 (value);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

/**
 * poise_follow_up_to_json:
 *
 * Field names use underscores; times are ISO 8601 in UTC ("…Z"); absent
 * texts are null.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
poise_follow_up_to_json (PoiseFollowUp *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (POISE_IS_FOLLOW_UP (self), NULL);

  json_builder_begin_object (builder);
  add_text (builder, "uuid", self->uuid);
  add_text (builder, "customer_name", self->customer_name);
  add_text (builder, "customer_ref", self->customer_ref);
  add_text (builder, "contact", self->contact);
  add_text (builder, "channel", channel_names[self->channel]);
  add_text (builder, "promise", self->promise);
  add_time (builder, "due_at", self->due_at);
  json_builder_set_member_name (builder, "cancel_on_reply");
  json_builder_add_boolean_value (builder, self->cancel_on_reply);
  add_text (builder, "status", status_names[self->status]);
  add_time (builder, "created_at", self->created_at);
  add_time (builder, "updated_at", self->updated_at);
  add_text (builder, "note", self->note);
  add_text (builder, "assignee", self->assignee);
  /* The server's fields, once known (it ignores them when sent). */
  if (self->rev > 0)
    {
      json_builder_set_member_name (builder, "rev");
      json_builder_add_int_value (builder, self->rev);
    }
  if (self->author != NULL)
    add_text (builder, "author", self->author);
  if (self->updated_by != NULL)
    add_text (builder, "updated_by", self->updated_by);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* @expected is translated by the caller. */
static gboolean
field_error (GError     **error,
             const char  *field,
             const char  *expected)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: a key of the follow-up's JSON (not translated),
                * then one of the messages with the context "follow-up field" */
               _("Follow-up field \"%s\": expected %s"), field, expected);
  return FALSE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Missing or null: *value stays NULL.  Everything is translated only on
 * the way to an error. */
static gboolean
read_text (JsonObject  *object,
           const char  *field,
           const char **value,
           GError     **error)
{
  JsonNode *member = json_object_get_member (object, field);

  *value = NULL;
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return TRUE;
  if (!is_string (member))
    /* Translators: null is the JSON literal */
    return field_error (error, field, C_("follow-up field", "a string or null"));
  *value = json_node_get_string (member);
  return TRUE;
}

static gboolean
read_time (JsonObject  *object,
           const char  *field,
           gboolean     required,
           GDateTime  **value,
           GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  JsonNode *member = json_object_get_member (object, field);

  *value = NULL;
  if (member == NULL && !required)
    return TRUE;
  if (member == NULL || !is_string (member) ||
      (*value = g_date_time_new_from_iso8601 (json_node_get_string (member), utc)) == NULL)
    return field_error (error, field, C_("follow-up field", "an ISO 8601 date and time"));
  return TRUE;
}

/**
 * poise_follow_up_new_from_json:
 * @node: an object as written by poise_follow_up_to_json()
 *
 * Tolerant of fields it does not know (a newer Poise may add some) and of
 * missing optional ones; strict about types.  "uuid" and "due_at" are
 * required.  Errors name the field.
 *
 * Returns: (transfer full) (nullable): the follow-up, or %NULL with @error set
 */
PoiseFollowUp *
poise_follow_up_new_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(GDateTime) due_at = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) updated_at = NULL;
  const char *uuid, *customer_name, *customer_ref, *contact, *promise, *note, *assignee;
  const char *author, *updated_by;
  gint64 rev = 0;
  const char *channel_text, *status_text;
  PoiseChannel channel = POISE_CHANNEL_CALL;
  PoiseFollowUpStatus status = POISE_FOLLOW_UP_STATUS_OPEN;
  gboolean cancel_on_reply = FALSE;
  PoiseFollowUp *self;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A follow-up must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_text (object, "uuid", &uuid, error))
    return NULL;
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    {
      field_error (error, "uuid", C_("follow-up field", "a UUID string"));
      return NULL;
    }

  if (!read_text (object, "customer_name", &customer_name, error) ||
      !read_text (object, "customer_ref", &customer_ref, error) ||
      !read_text (object, "contact", &contact, error) ||
      !read_text (object, "promise", &promise, error) ||
      !read_text (object, "note", &note, error) ||
      !read_text (object, "assignee", &assignee, error) ||
      !read_text (object, "author", &author, error) ||
      !read_text (object, "updated_by", &updated_by, error) ||
      !read_text (object, "channel", &channel_text, error) ||
      !read_text (object, "status", &status_text, error) ||
      !read_time (object, "due_at", TRUE, &due_at, error) ||
      !read_time (object, "created_at", FALSE, &created_at, error) ||
      !read_time (object, "updated_at", FALSE, &updated_at, error))
    return NULL;

  if (channel_text != NULL && !poise_channel_from_string (channel_text, &channel))
    {
      /* Translators: the values "channel" may have; keep them as they are */
      field_error (error, "channel", C_("follow-up field", "\"call\", \"email\" or \"chat\""));
      return NULL;
    }
  if (status_text != NULL && !poise_follow_up_status_from_string (status_text, &status))
    {
      field_error (error, "status",
                   /* Translators: the values "status" may have; keep them */
                   C_("follow-up field", "\"open\", \"done\" or \"cancelled\""));
      return NULL;
    }

  member = json_object_get_member (object, "cancel_on_reply");
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          /* Translators: the JSON literals true and false; keep them */
          field_error (error, "cancel_on_reply", C_("follow-up field", "true or false"));
          return NULL;
        }
      cancel_on_reply = json_node_get_boolean (member);
    }

  member = json_object_get_member (object, "rev");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
          json_node_get_int (member) < 1)
        {
          field_error (error, "rev", C_("follow-up field", "an integer of at least 1"));
          return NULL;
        }
      rev = json_node_get_int (member);
    }

  self = g_object_new (POISE_TYPE_FOLLOW_UP,
                       "uuid", uuid,
                       "customer-name", customer_name,
                       "customer-ref", customer_ref,
                       "contact", contact,
                       "channel", channel,
                       "promise", promise,
                       "due-at", due_at,
                       "cancel-on-reply", cancel_on_reply,
                       "status", status,
                       "created-at", created_at,
                       "updated-at", updated_at,
                       "note", note,
                       "assignee", assignee,
                       "rev", rev,
                       "author", author,
                       "updated-by", updated_by,
                       NULL);

  /* Without "updated_at", the last change is the creation. */
  if (created_at != NULL && updated_at == NULL)
    poise_follow_up_set_updated_at (self, created_at);

  return self;
}
