#include "base/utf8.h"

#include <string.h>

size_t utf8_decode(const char *str, size_t avail, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (avail == 0) {
        return 0;
    }
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t min;
    uint32_t c;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, c = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, c = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (avail < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        return 0;
    }
    *cp = c;
    return len;
}

size_t utf8_sequence_length(const char *s, size_t avail)
{
    uint32_t cp;
    return utf8_decode(s, avail, &cp);
}

/* True when none of the 8 bytes at s has its high bit set (all ASCII). */
static bool ascii8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof(w));
    return (w & 0x8080808080808080ULL) == 0;
}

/* True when none of the 32 bytes at s has its high bit set: four words tested as one. */
static bool ascii32(const char *s)
{
    uint64_t w[4];
    memcpy(w, s, sizeof(w));
    return ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) == 0;
}

bool utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
    size_t i = 0;
    while (i < n) {
        /* Most text is ASCII: skip it 32 bytes at a time, then eight. */
        if (n - i >= 32 && ascii32(s + i)) {
            i += 32;
            continue;
        }
        if (n - i >= 8 && ascii8(s + i)) {
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_sequence_length(s + i, n - i);
        if (k == 0) {
            if (bad_offset) {
                *bad_offset = i;
            }
            return false;
        }
        i += k;
    }
    return true;
}
