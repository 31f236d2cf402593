// libjq (Debian's libjq-dev, jq 1.6, which ships no pkg-config file).
#include <jq.h>
#include <jv.h>
