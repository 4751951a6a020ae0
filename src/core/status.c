/*
 * status.c — messages and classes of the status list, and the error-detail
 * helpers. Everything is generated from S4C_STATUS_LIST so the enum, the names,
 * the messages and the classes can never drift apart.
 */
#include <stdarg.h>
#include <stdio.h>

#include "codec_internal.h"

typedef struct status_entry {
    s4c_status status;
    const char *name;
    const char *message;
    s4c_error_class cls;
} status_entry;

static const status_entry status_table[] = {
#define S4C_X_ENTRY(name, value, cls, msg) {name, #name, msg, cls},
    S4C_STATUS_LIST(S4C_X_ENTRY)
#undef S4C_X_ENTRY
};

static const status_entry *find_status(s4c_status status) {
    for (size_t i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
        if (status_table[i].status == status) return &status_table[i];
    return NULL;
}

const char *s4c_strerror(s4c_status status) {
    const status_entry *e = find_status(status);
    return e ? e->message : "unknown status";
}

const char *s4c_status_name(s4c_status status) {
    const status_entry *e = find_status(status);
    return e ? e->name : "S4C_UNKNOWN_STATUS";
}

s4c_error_class s4c_status_class(s4c_status status) {
    const status_entry *e = find_status(status);
    return e ? e->cls : S4C_CLASS_BACKEND;
}

void s4c_detail_clear(s4c_error_detail *d) {
    if (!d) return;
    d->status = S4C_OK;
    d->expected = d->got = d->limit = 0;
    d->message[0] = '\0';
    d->cause_offset = 0;
}

s4c_status s4c_fail(s4c_error_detail *d, s4c_status status, const char *fmt, ...) {
    if (!d) return status;
    d->status = status;
    d->cause_offset = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof(d->message), fmt, ap);
    va_end(ap);
    return status;
}

const char *s4c_version_string(void) { return S4C_VERSION_STRING; }
