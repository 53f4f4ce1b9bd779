# Host unit test of kcore's vsnprintf/kstrto* (Linux 5.4 formats), built natively with ASan/UBSan.
# Kernel symbols are renamed (-D...=..._k) so they do not clash with the host libc.
KCORE_HOST_CFLAGS := -std=gnu11 -O1 -g -ffreestanding -fno-builtin -iquote kernel/include -Wall -Wextra \
  -Wno-unused-parameter -Wno-format -fsanitize=address,undefined -fno-omit-frame-pointer \
  -Dvsnprintf=vsnprintf_k -Dsnprintf=snprintf_k -Dscnprintf=scnprintf_k -Dvscnprintf=vscnprintf_k \
  -Dsprintf=sprintf_k -Dsimple_strtoul=simple_strtoul_k -Dsimple_strtol=simple_strtol_k \
  -Dsimple_strtoull=simple_strtoull_k -Dkstrtoul=kstrtoul_k -Dkstrtol=kstrtol_k -Dkstrtouint=kstrtouint_k \
  -Dkstrtoint=kstrtoint_k -Dkstrtobool=kstrtobool_k

$(OUT)/hosttest/test_kcore: kernel/vsprintf.c kernel/tests/kcore/test_kcore_host.c $(wildcard kernel/include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(KCORE_HOST_CFLAGS) -c -o $(OUT)/hosttest/kcore_vsprintf.o kernel/vsprintf.c
	$(CC) -std=gnu11 -O1 -g -Wall -fsanitize=address,undefined -o $@ kernel/tests/kcore/test_kcore_host.c \
	  $(OUT)/hosttest/kcore_vsprintf.o

kcore-hosttest: $(OUT)/hosttest/test_kcore
	ASAN_OPTIONS=detect_leaks=0 $(OUT)/hosttest/test_kcore

hosttest: kcore-hosttest

.PHONY: kcore-hosttest
