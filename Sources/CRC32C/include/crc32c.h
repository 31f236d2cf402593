#ifndef REWIND_CRC32C_H
#define REWIND_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Extends a CRC32C (Castagnoli) over `length` bytes at `data`.
/// Start with crc = 0; the result of one call can be passed as `crc` to continue over more bytes.
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, else a slicing-by-8 table.
uint32_t rewind_crc32c_extend(uint32_t crc, const void *data, size_t length);

/// The same function computed with the portable table, whatever the CPU: for tests and benchmarks.
uint32_t rewind_crc32c_extend_software(uint32_t crc, const void *data, size_t length);

/// 1 when rewind_crc32c_extend uses the hardware instruction.
int rewind_crc32c_is_hardware(void);

#endif
