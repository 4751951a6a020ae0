/* A program built against the installed library, as a user would build it. */
#include <s4codec.h>
#include <stdio.h>

int main(void) {
    uint32_t crc = s4c_crc32c(0, "123456789", 9);
    printf("s4codec %s crc32c=%08x\n", s4c_version_string(), crc);
    return crc == 0xE3069283u ? 0 : 1;
}
