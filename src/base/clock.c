#include "base/clock.h"

#include <ctype.h>
#include <time.h>

int64_t clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

uint64_t clock_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void clock_sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return false;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c) {
        return false;
    }
    (*p)++;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static bool parse_fraction(const char **p, int *millis)
{
    *millis = 0;
    if (**p != '.') {
        return true;
    }
    (*p)++;
    int n = 0;
    while (isdigit((unsigned char)**p)) {
        if (n < 3) {
            *millis = *millis * 10 + (**p - '0');
        }
        n++;
        (*p)++;
    }
    for (int i = n; i < 3; i++) {
        *millis *= 10;
    }
    return n > 0;
}

static bool parse_offset(const char **p, int *offset_seconds)
{
    *offset_seconds = 0;
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return true;
    }
    int sign = **p == '+' ? 1 : **p == '-' ? -1 : 0;
    if (!sign) {
        return false;
    }
    (*p)++;
    int hh;
    int mm;
    if (!digits(p, 2, &hh)) {
        return false;
    }
    (void)expect(p, ':');
    if (!digits(p, 2, &mm) || hh > 23 || mm > 59) {
        return false;
    }
    *offset_seconds = sign * (hh * 3600 + mm * 60);
    return true;
}

bool clock_parse_iso8601(const char *s, int64_t *unix_seconds, int *millis)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, ms, off;
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d)) {
        return false;
    }
    if (*p != 'T' && *p != 't' && *p != ' ') {
        return false;
    }
    p++;
    if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
        !digits(&p, 2, &sec) || !parse_fraction(&p, &ms) || !parse_offset(&p, &off) || *p) {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60) {
        return false;
    }
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *unix_seconds = days * 86400 + h * 3600 + mi * 60 + sec - off;
    *millis = ms;
    return true;
}

struct civil {
    int64_t y;
    unsigned m, d, hh, mm, ss;
};

static struct civil to_civil(int64_t t)
{
    struct civil c;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rem = t - days * 86400;
    civil_from_days(days, &c.y, &c.m, &c.d);
    c.hh = (unsigned)(rem / 3600);
    c.mm = (unsigned)(rem % 3600 / 60);
    c.ss = (unsigned)(rem % 60);
    return c;
}

/* Writes the n lowest decimal digits of v at p, zero-padded. */
static void put_digits(char *p, unsigned v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

enum lt_rc clock_format_iso8601_ms(struct buf *out, int64_t t, int millis)
{
    struct civil c = to_civil(t);
    if (c.y < 0 || c.y > 9999 || millis < 0 || millis > 999) {
        return buf_printf(out, "%04lld-%02u-%02uT%02u:%02u:%02u.%03dZ", (long long)c.y, c.m, c.d,
                          c.hh, c.mm, c.ss, millis);
    }
    /* The common case without printf: timestamps are formatted for every value read. */
    char s[] = "YYYY-MM-DDTHH:MM:SS.mmmZ";
    put_digits(s, (unsigned)c.y, 4);
    put_digits(s + 5, c.m, 2);
    put_digits(s + 8, c.d, 2);
    put_digits(s + 11, c.hh, 2);
    put_digits(s + 14, c.mm, 2);
    put_digits(s + 17, c.ss, 2);
    put_digits(s + 20, (unsigned)millis, 3);
    return buf_add(out, s, sizeof(s) - 1);
}

enum lt_rc clock_format_iso8601(struct buf *out, int64_t t)
{
    struct civil c = to_civil(t);
    return buf_printf(out, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)c.y, c.m, c.d, c.hh, c.mm,
                      c.ss);
}

enum lt_rc clock_format_amz(struct buf *out, int64_t t)
{
    struct civil c = to_civil(t);
    return buf_printf(out, "%04lld%02u%02uT%02u%02u%02uZ", (long long)c.y, c.m, c.d, c.hh, c.mm,
                      c.ss);
}
