/* A small printf: %d %i %u %x %X %p %s %c %%, flags - and 0, width, l/ll/z. */
#include "lib.h"

struct out { char *buf; size_t n, pos; };

static void emit(struct out *o, char c)
{
    if (o->buf) {
        if (o->pos + 1 < o->n)
            o->buf[o->pos] = c;
    } else {
        uart_putc(c);
    }
    o->pos++;
}

static int format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(o, *fmt);
            continue;
        }
        fmt++;
        int left = 0, zero = 0, width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') zero = 1;
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng = 1;
            fmt++;
        }
        char tmp[24];
        const char *s = tmp;
        int len = 0, neg = 0;
        unsigned long v;
        switch (*fmt) {
        case 'd': case 'i': {
            long sv = lng ? va_arg(ap, long) : va_arg(ap, int);
            neg = sv < 0;
            v = neg ? -(unsigned long)sv : (unsigned long)sv;
            goto dec;
        }
        case 'u':
            v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
        dec:
            do { tmp[sizeof tmp - 1 - len++] = (char)('0' + v % 10); v /= 10; } while (v);
            s = tmp + sizeof tmp - len;
            break;
        case 'p':
            lng = 1;
            /* fall through */
        case 'x': case 'X': {
            const char *dig = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            do { tmp[sizeof tmp - 1 - len++] = dig[v & 15]; v >>= 4; } while (v);
            s = tmp + sizeof tmp - len;
            break;
        }
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            len = 1;
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            len = (int)strlen(s);
            break;
        case '%':
            tmp[0] = '%';
            len = 1;
            break;
        case 0:
            return (int)o->pos;
        default:
            tmp[0] = '%'; tmp[1] = *fmt;
            len = 2;
            break;
        }
        int pad = width - len - neg;
        if (!left && !zero)
            while (pad-- > 0) emit(o, ' ');
        if (neg) emit(o, '-');
        if (!left && zero)
            while (pad-- > 0) emit(o, '0');
        for (int i = 0; i < len; i++) emit(o, s[i]);
        if (left)
            while (pad-- > 0) emit(o, ' ');
    }
    return (int)o->pos;
}

int kvprintf(const char *fmt, va_list ap)
{
    struct out o = { 0, 0, 0 };
    return format(&o, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = kvprintf(fmt, ap);
    va_end(ap);
    return r;
}

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
    struct out o = { buf, n, 0 };
    va_list ap;
    va_start(ap, fmt);
    int r = format(&o, fmt, ap);
    va_end(ap);
    if (n)
        buf[o.pos < n ? o.pos : n - 1] = 0;
    return r;
}
