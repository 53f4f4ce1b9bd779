# Host unit tests of the kuser code (tty, shell, RAM fs, /proc, sysctl), built natively with the
# host gcc and AddressSanitizer. Included from guest.mk: make -f guest.mk OUT=... hosttest
KUSER_HOST_SRC := kernel/fs.c kernel/fs_cpio.c kernel/kuser_lib.c kernel/proc.c kernel/proc_sysctl.c \
  kernel/shell_exec.c kernel/shell_fs.c kernel/shell_glob.c kernel/shell_parse.c kernel/shell_sys.c kernel/shell_text.c kernel/shell_complete.c \
  kernel/shell_util.c kernel/tty.c kernel/tests/hostshim.c kernel/tests/test_kuser.c
KUSER_HOST_CFLAGS := -std=c11 -O1 -g -ffreestanding -DKUSER_HOSTTEST -iquote kernel/include -iquote kernel \
  -Wall -Wextra -Wno-unused-parameter -fno-builtin-printf -fsanitize=address,undefined -fno-omit-frame-pointer

$(OUT)/hosttest/test_kuser: $(KUSER_HOST_SRC) $(wildcard kernel/*.h kernel/include/*.h kernel/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(KUSER_HOST_CFLAGS) -o $@ $(KUSER_HOST_SRC)

hosttest: $(OUT)/hosttest/test_kuser
	ASAN_OPTIONS=detect_leaks=0 $(OUT)/hosttest/test_kuser

.PHONY: hosttest
