#include "util/hmap.h"

#include "util/hash.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define HMAP_MIN 16

static size_t
slots_for(size_t n)
{
    size_t cap = HMAP_MIN;

    /* keep n <= 70 % of cap */
    while (cap * 7 / 10 < n)
        cap *= 2;
    return cap;
}

static void
rehash(struct hmap *m, size_t cap)
{
    struct hmap_slot *old = m->slots;
    size_t ocap = m->cap;

    m->slots = xcalloc(cap, sizeof(*m->slots));
    m->cap = cap;
    for (size_t i = 0; i < ocap; i++) {
        size_t j;

        if (!old[i].key)
            continue;
        j = hash_mix64(old[i].key) & (cap - 1);
        while (m->slots[j].key)
            j = (j + 1) & (cap - 1);
        m->slots[j] = old[i];
    }
    free(old);
}

void
hmap_init(struct hmap *m, size_t hint)
{
    memset(m, 0, sizeof(*m));
    if (hint)
        rehash(m, slots_for(hint));
}

void
hmap_release(struct hmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

void
hmap_clear(struct hmap *m)
{
    if (m->cap)
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
    m->len = 0;
    m->has_zero = 0;
    m->zero_val = 0;
}

uint64_t *
hmap_get(const struct hmap *m, uint64_t key)
{
    size_t j;

    if (!key)
        return m->has_zero ? (uint64_t *)&m->zero_val : NULL;
    if (!m->cap)
        return NULL;
    j = hash_mix64(key) & (m->cap - 1);
    for (;;) {
        if (m->slots[j].key == key)
            return &m->slots[j].val;
        if (!m->slots[j].key)
            return NULL;
        j = (j + 1) & (m->cap - 1);
    }
}

uint64_t *
hmap_put(struct hmap *m, uint64_t key, int *inserted)
{
    size_t j;

    if (inserted)
        *inserted = 0;
    if (!key) {
        if (!m->has_zero) {
            m->has_zero = 1;
            m->zero_val = 0;
            m->len++;
            if (inserted)
                *inserted = 1;
        }
        return &m->zero_val;
    }
    if ((m->len + 1) > m->cap * 7 / 10)
        rehash(m, slots_for(m->len + 1));
    j = hash_mix64(key) & (m->cap - 1);
    for (;;) {
        if (m->slots[j].key == key)
            return &m->slots[j].val;
        if (!m->slots[j].key)
            break;
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = key;
    m->slots[j].val = 0;
    m->len++;
    if (inserted)
        *inserted = 1;
    return &m->slots[j].val;
}

void
hmap_set(struct hmap *m, uint64_t key, uint64_t val)
{
    *hmap_put(m, key, NULL) = val;
}

int
hmap_del(struct hmap *m, uint64_t key, uint64_t *val)
{
    size_t mask = m->cap - 1, i, j;

    if (!key) {
        if (!m->has_zero)
            return 0;
        if (val)
            *val = m->zero_val;
        m->has_zero = 0;
        m->len--;
        return 1;
    }
    if (!m->cap)
        return 0;
    i = hash_mix64(key) & mask;
    while (m->slots[i].key != key) {
        if (!m->slots[i].key)
            return 0;
        i = (i + 1) & mask;
    }
    if (val)
        *val = m->slots[i].val;
    m->len--;
    /* backward-shift deletion: pull later members of the run into the hole */
    j = i;
    for (;;) {
        size_t home;

        j = (j + 1) & mask;
        if (!m->slots[j].key)
            break;
        home = hash_mix64(m->slots[j].key) & mask;
        /* move j into i unless its home lies cyclically in (i, j] */
        if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].key = 0;
    return 1;
}

int
hmap_next(const struct hmap *m, size_t *it, uint64_t *key, uint64_t *val)
{
    while (*it < m->cap) {
        size_t i = (*it)++;

        if (m->slots[i].key) {
            *key = m->slots[i].key;
            *val = m->slots[i].val;
            return 1;
        }
    }
    if (*it == m->cap && m->has_zero) {
        (*it)++;
        *key = 0;
        *val = m->zero_val;
        return 1;
    }
    return 0;
}
