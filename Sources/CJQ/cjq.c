// Loads libjq at run time and forwards each declared call to it.
//
// Why not link with -ljq: the linker needs the unversioned `libjq.so`, which only the
// development package (libjq-dev) installs. The runtime library `libjq.so.1` comes with the
// `jq` package on every machine that has jq, so Rewind builds with nothing installed and
// finds the library when a handler first needs it. When it is missing, cjq_load() fails with a
// sentence naming the package, and Swift turns that into a normal error.
#define _GNU_SOURCE
#include "cjq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CJQ_FUNCTIONS(X)                                                            \
    X(jv_kind, jv_get_kind, (jv a), (a))                                            \
    X(jv, jv_copy, (jv a), (a))                                                     \
    X(void, jv_free, (jv a), (a))                                                   \
    X(int, jv_equal, (jv a, jv b), (a, b))                                          \
    X(int, jv_identical, (jv a, jv b), (a, b))                                      \
    X(jv, jv_invalid, (void), ())                                                   \
    X(jv, jv_invalid_get_msg, (jv a), (a))                                          \
    X(int, jv_invalid_has_msg, (jv a), (a))                                         \
    X(jv, jv_null, (void), ())                                                      \
    X(jv, jv_true, (void), ())                                                      \
    X(jv, jv_false, (void), ())                                                     \
    X(jv, jv_number, (double d), (d))                                               \
    X(double, jv_number_value, (jv a), (a))                                         \
    X(jv, jv_array, (void), ())                                                     \
    X(jv, jv_array_sized, (int n), (n))                                             \
    X(int, jv_array_length, (jv a), (a))                                            \
    X(jv, jv_array_get, (jv a, int i), (a, i))                                      \
    X(jv, jv_array_append, (jv a, jv b), (a, b))                                    \
    X(jv, jv_string, (const char *s), (s))                                          \
    X(jv, jv_string_sized, (const char *s, int n), (s, n))                          \
    X(int, jv_string_length_bytes, (jv a), (a))                                     \
    X(const char *, jv_string_value, (jv a), (a))                                   \
    X(jv, jv_object, (void), ())                                                    \
    X(jv, jv_object_get, (jv o, jv k), (o, k))                                      \
    X(jv, jv_object_set, (jv o, jv k, jv v), (o, k, v))                             \
    X(int, jv_object_length, (jv o), (o))                                           \
    X(int, jv_object_iter, (jv o), (o))                                             \
    X(int, jv_object_iter_next, (jv o, int i), (o, i))                              \
    X(int, jv_object_iter_valid, (jv o, int i), (o, i))                             \
    X(jv, jv_object_iter_key, (jv o, int i), (o, i))                                \
    X(jv, jv_object_iter_value, (jv o, int i), (o, i))                              \
    X(jv, jv_dump_string, (jv a, int flags), (a, flags))                            \
    X(jv, jv_parse_sized, (const char *s, int n), (s, n))                           \
    X(jq_state *, jq_init, (void), ())                                              \
    X(void, jq_set_error_cb, (jq_state *q, jq_err_cb cb, void *c), (q, cb, c))      \
    X(void, jq_set_input_cb, (jq_state *q, jq_input_cb cb, void *c), (q, cb, c))    \
    X(int, jq_compile, (jq_state *q, const char *s), (q, s))                        \
    X(void, jq_start, (jq_state *q, jv v, int flags), (q, v, flags))                \
    X(jv, jq_next, (jq_state *q), (q))                                              \
    X(void, jq_teardown, (jq_state **q), (q))                                       \
    X(jv, jq_format_error, (jv m), (m))                                             \
    X(int, jq_halted, (jq_state *q), (q))                                           \
    X(void, jq_halt, (jq_state *q, jv c, jv m), (q, c, m))                          \
    X(void, jq_set_nomem_handler, (jq_state *q, void (*h)(void *), void *d), (q, h, d))

#define CJQ_POINTER(ret, name, params, args) static ret(*p_##name) params;
CJQ_FUNCTIONS(CJQ_POINTER)
static void (*p_jq_set_debug_cb)(jq_state *, jq_msg_cb, void *);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded; // written once inside pthread_once, read with acquire below
static char load_error[512];

static void load_library(void) {
    static const char *const names[] = {"libjq.so.1", "libjq.so"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "libjq is not installed (%s): install the jq package "
                 "(Debian/Ubuntu: apt-get install jq, which brings libjq1)",
                 why ? why : "libjq.so.1 not found");
        return;
    }
#define CJQ_RESOLVE(ret, name, params, args)                                            \
    p_##name = (ret(*) params)dlsym(handle, #name);                                     \
    if (p_##name == NULL) {                                                             \
        snprintf(load_error, sizeof load_error,                                         \
                 "the installed libjq lacks %s: install jq 1.6 or later "               \
                 "(Debian/Ubuntu: apt-get install jq)", #name);                         \
        return;                                                                         \
    }
    CJQ_FUNCTIONS(CJQ_RESOLVE)
    p_jq_set_debug_cb = (void (*)(jq_state *, jq_msg_cb, void *))dlsym(handle, "jq_set_debug_cb");
    __atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
}

int cjq_load(void) {
    pthread_once(&load_once, load_library);
    return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);
}

const char *cjq_load_error(void) {
    return cjq_load() ? NULL : load_error;
}

// Swift checks cjq_load() before it compiles any handler, so this is a last resort: a call
// that reaches a forwarder without the library says why and stops, rather than jumping to 0.
static void require_library(void) {
    if (cjq_load()) return;
    dprintf(STDERR_FILENO, "rewind: %s\n", load_error);
    _exit(70);
}

#define CJQ_FORWARD(ret, name, params, args) \
    ret name params {                        \
        if (!__atomic_load_n(&loaded, __ATOMIC_ACQUIRE)) require_library();      \
        return p_##name args;                \
    }
CJQ_FUNCTIONS(CJQ_FORWARD)

void jq_set_debug_cb(jq_state *q, jq_msg_cb cb, void *context) {
    if (!__atomic_load_n(&loaded, __ATOMIC_ACQUIRE)) require_library();
    if (p_jq_set_debug_cb != NULL) p_jq_set_debug_cb(q, cb, context);
}

unsigned long cjq_thread_id(void) {
    return (unsigned long)pthread_self();
}
