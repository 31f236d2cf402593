/*
 * CNcursesw: the ncursesw (wide-character) API for Swift, imported only by NCursesTerminal.
 *
 * SwiftPM drops pkg-config's -D flags, so the wide-character switches are defined here, before
 * the header. Swift 6 refuses direct use of ncurses' global variables (stdscr, LINES, COLS…:
 * shared mutable state) and cannot import function-like or computed macros (A_BOLD, getmaxyx,
 * BUTTON1_PRESSED…): the small static inline functions below stand in for them.
 */
#ifndef REWIND_CNCURSESW_SHIM_H
#define REWIND_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

/* glibc declares wcwidth only under _XOPEN_SOURCE; declare it explicitly. */
extern int wcwidth(wchar_t c);

/* Global state, read through getters. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_LINES(void) { return LINES; }
static inline int cn_COLS(void) { return COLS; }
static inline int cn_COLORS(void) { return COLORS; }
static inline int cn_COLOR_PAIRS(void) { return COLOR_PAIRS; }
static inline FILE *cn_stdin(void) { return stdin; }
static inline FILE *cn_stdout(void) { return stdout; }

/* getmaxyx is a macro that assigns to its arguments. */
static inline void cn_getmaxyx(WINDOW *w, int *rows, int *cols) {
    int y, x;
    getmaxyx(w, y, x);
    *rows = y;
    *cols = x;
}

/* Attribute macros. */
static inline attr_t cn_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t cn_A_BOLD(void) { return A_BOLD; }
static inline attr_t cn_A_DIM(void) { return A_DIM; }
static inline attr_t cn_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t cn_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t cn_A_ITALIC(void) { return A_ITALIC; }

/* Mouse masks (button numbers 1-5; ncurses mouse version 2). */
static inline mmask_t cn_button_pressed(int button) {
    switch (button) {
    case 1: return BUTTON1_PRESSED;
    case 2: return BUTTON2_PRESSED;
    case 3: return BUTTON3_PRESSED;
    case 4: return BUTTON4_PRESSED;
    case 5: return BUTTON5_PRESSED;
    default: return 0;
    }
}
static inline mmask_t cn_button_released(int button) {
    switch (button) {
    case 1: return BUTTON1_RELEASED;
    case 2: return BUTTON2_RELEASED;
    case 3: return BUTTON3_RELEASED;
    case 4: return BUTTON4_RELEASED;
    case 5: return BUTTON5_RELEASED;
    default: return 0;
    }
}
static inline mmask_t cn_REPORT_MOUSE_POSITION(void) { return REPORT_MOUSE_POSITION; }
static inline mmask_t cn_ALL_MOUSE_EVENTS(void) { return ALL_MOUSE_EVENTS; }

/* Frees the TERMINAL that a probing setupterm() made current, so newterm() starts clean. */
static inline void cn_forget_probed_terminal(void) {
    TERMINAL *t = set_curterm(NULL);
    if (t != NULL) del_curterm(t);
}

/*
 * Atomic access to an int that a signal handler shares with the program. The memory is
 * allocated by Swift; these only give it C11 sequentially consistent loads and stores, which are
 * lock-free for int and therefore async-signal-safe.
 */
static inline void cn_atomic_store(int *p, int v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline int cn_atomic_load(int *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline int cn_atomic_exchange(int *p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }

#endif
