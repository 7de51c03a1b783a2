/* poise-server-storage-private.h: the storage's hooks for other server modules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library versions (poise-server-library-store.c) keep their SQL in a
 * file of their own but share the storage's connections: reads on the
 * main thread's, publishes in the writer thread's group commit.
 */
#pragma once

#include <sqlite3.h>

#include "poise-server-storage.h"

G_BEGIN_DECLS

typedef gboolean (*PoiseServerTxnFunc) (sqlite3                *db,
                                        gpointer                data,
                                        PoiseServerWriteResult *result);

void     _poise_server_storage_run         (PoiseServerStorage   *self,
                                            PoiseServerTxnFunc    txn,
                                            gpointer              txn_data,
                                            PoiseServerWriteFunc  callback,
                                            gpointer              user_data);
sqlite3 *_poise_server_storage_get_read_db (PoiseServerStorage   *self);

G_END_DECLS
