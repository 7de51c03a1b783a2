/* poise-json-value-private.h: the read-only tree the strict guard builds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib allocates several blocks per node and frees them one by one,
 * which costs more than a whole library's validation.  The guard already
 * walks every byte, so it builds this compact tree instead: every node,
 * member array and string lives in one arena that is freed at once.
 * Objects keep their members in document order and are searched linearly;
 * the guard has rejected duplicate keys, so a key names one member.
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef enum {
  POISE_JSON_NULL,
  POISE_JSON_BOOLEAN,
  POISE_JSON_INTEGER,   /* no fraction or exponent; within ±2^53 */
  POISE_JSON_DOUBLE,
  POISE_JSON_STRING,
  POISE_JSON_ARRAY,
  POISE_JSON_OBJECT,
} PoiseJsonType;

typedef struct _PoiseJsonValue    PoiseJsonValue;
typedef struct _PoiseJsonMember   PoiseJsonMember;
typedef struct _PoiseJsonDocument PoiseJsonDocument;

struct _PoiseJsonValue
{
  PoiseJsonType type;
  gsize         length;   /* strings: bytes (a \u0000 counts); arrays, objects: items */
  union {
    gboolean          boolean;
    gint64            integer;
    double            number;
    const char       *string;   /* unescaped UTF-8, nul-terminated */
    PoiseJsonValue   *items;    /* arrays; NULL when empty */
    PoiseJsonMember  *members;  /* objects, in document order; NULL when empty */
  } v;
};

struct _PoiseJsonMember
{
  const char     *key;   /* unescaped */
  PoiseJsonValue  value;
};

/* The member named @key, or NULL if @object has none or is no object. */
static inline const PoiseJsonValue *
_poise_json_value_get_member (const PoiseJsonValue *object,
                              const char           *key)
{
  if (object->type != POISE_JSON_OBJECT)
    return NULL;

  /* The first byte rules out most keys without a call. */
  for (gsize i = 0; i < object->length; i++)
    {
      const char *name = object->v.members[i].key;

      if (name[0] == key[0] && strcmp (name, key) == 0)
        return &object->v.members[i].value;
    }

  return NULL;
}

static inline gboolean
_poise_json_value_has_member (const PoiseJsonValue *object,
                              const char           *key)
{
  return _poise_json_value_get_member (object, key) != NULL;
}

/* Element @index of an array; the caller checks the length. */
static inline const PoiseJsonValue *
_poise_json_value_get_element (const PoiseJsonValue *array,
                               gsize                 index)
{
  g_assert (array->type == POISE_JSON_ARRAY && index < array->length);
  return &array->v.items[index];
}

/* The text of a string value, else NULL. */
static inline const char *
_poise_json_value_get_string (const PoiseJsonValue *value)
{
  return value->type == POISE_JSON_STRING ? value->v.string : NULL;
}

const PoiseJsonValue *_poise_json_document_get_root (const PoiseJsonDocument *self);
void                  _poise_json_document_free     (PoiseJsonDocument       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseJsonDocument, _poise_json_document_free)

G_END_DECLS
