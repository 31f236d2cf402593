// The part of libjq's C API (jq 1.6, Debian's libjq1) that Rewind uses, declared here so that
// building needs no jq headers (no libjq-dev). The library itself is loaded at run time from
// the runtime package (`libjq.so.1`, brought by `apt-get install jq` or `libjq1`); see cjq.c.
//
// These are facts of libjq's ABI: the `jv` layout and the signatures must match jq 1.6/1.7.
#ifndef REWIND_CJQ_H
#define REWIND_CJQ_H

#include <stddef.h>

typedef enum {
    JV_KIND_INVALID,
    JV_KIND_NULL,
    JV_KIND_FALSE,
    JV_KIND_TRUE,
    JV_KIND_NUMBER,
    JV_KIND_STRING,
    JV_KIND_ARRAY,
    JV_KIND_OBJECT
} jv_kind;

struct jv_refcnt;

/// A libjq value: 16 bytes, passed by value.
typedef struct {
    unsigned char kind_flags;
    unsigned char pad_;
    unsigned short offset;
    int size;
    union {
        struct jv_refcnt *ptr;
        double number;
    } u;
} jv;

typedef struct jq_state jq_state;
typedef void (*jq_err_cb)(void *, jv);
typedef void (*jq_msg_cb)(void *, jv);
typedef jv (*jq_input_cb)(jq_state *, void *);

/// Loads libjq once (thread-safe). Returns 1 when it is usable, 0 otherwise; then
/// `cjq_load_error()` says why, naming the package to install.
int cjq_load(void);
const char *cjq_load_error(void);

jv_kind jv_get_kind(jv);
jv jv_copy(jv);
void jv_free(jv);
int jv_equal(jv, jv);
int jv_identical(jv, jv);

jv jv_invalid(void);
jv jv_invalid_get_msg(jv);
int jv_invalid_has_msg(jv);

jv jv_null(void);
jv jv_true(void);
jv jv_false(void);
jv jv_number(double);
double jv_number_value(jv);

jv jv_array(void);
jv jv_array_sized(int);
int jv_array_length(jv);
jv jv_array_get(jv, int);
jv jv_array_append(jv, jv);

jv jv_string(const char *);
jv jv_string_sized(const char *, int);
int jv_string_length_bytes(jv);
const char *jv_string_value(jv);

jv jv_object(void);
jv jv_object_get(jv object, jv key);
jv jv_object_set(jv object, jv key, jv value);
int jv_object_length(jv object);
int jv_object_iter(jv);
int jv_object_iter_next(jv, int);
int jv_object_iter_valid(jv, int);
jv jv_object_iter_key(jv, int);
jv jv_object_iter_value(jv, int);

jv jv_dump_string(jv, int flags);
jv jv_parse_sized(const char *string, int length);

jq_state *jq_init(void);
void jq_set_error_cb(jq_state *, jq_err_cb, void *);
void jq_set_input_cb(jq_state *, jq_input_cb, void *);
/// Present in jq 1.6 and later; a no-op when the loaded library lacks it.
void jq_set_debug_cb(jq_state *, jq_msg_cb, void *);
int jq_compile(jq_state *, const char *);
void jq_start(jq_state *, jv value, int flags);
jv jq_next(jq_state *);
void jq_teardown(jq_state **);
jv jq_format_error(jv msg);
int jq_halted(jq_state *);
/// Stops `jq_next` before its next instruction: it returns an invalid value without a message.
/// jq 1.6 asserts the state is not already halted; `jq_start` clears the flag. Rewind calls it
/// from its watchdog thread while another thread runs the program (see JQWatchdog).
void jq_halt(jq_state *, jv exit_code, jv error_message);
/// What libjq calls when malloc fails (before it aborts). jq 1.6's `jq_init` leaves it
/// uninitialised, so Rewind sets it (to NULL) on every state it makes.
void jq_set_nomem_handler(jq_state *, void (*)(void *), void *);

/// The calling thread's identity (`pthread_self`), cheap enough for every event: the watchdog
/// uses it to stop the evaluations of one thread (a dashboard worker that quits).
unsigned long cjq_thread_id(void);

#endif
