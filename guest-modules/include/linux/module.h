/* Module SDK: MODULE_* metadata (.modinfo), module_init/exit, module_param. */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/export.h>
#include <linux/stat.h>

#define __MODULE_INFO(tag, name, info)                                         \
	static const char __UNIQUE_ID(name)[] __used __section(".modinfo")       \
		__attribute__((aligned(1))) = #tag "=" info
#define MODULE_INFO(tag, info) __MODULE_INFO(tag, tag, info)

#define MODULE_LICENSE(_license) MODULE_INFO(license, _license)
#define MODULE_AUTHOR(_author) MODULE_INFO(author, _author)
#define MODULE_DESCRIPTION(_description) MODULE_INFO(description, _description)
#define MODULE_VERSION(_version) MODULE_INFO(version, _version)
#define MODULE_ALIAS(_alias) MODULE_INFO(alias, _alias)
#define MODULE_SOFTDEP(_softdep) MODULE_INFO(softdep, _softdep)
#define MODULE_FIRMWARE(_firmware) MODULE_INFO(firmware, _firmware)
#define MODULE_DEVICE_TABLE(type, name)

struct module;
/* The kernel keeps its own struct module; modules do not need a handle to themselves. */
#define THIS_MODULE ((struct module *)0)
static inline bool try_module_get(struct module *m) { (void)m; return true; }
static inline void module_put(struct module *m) { (void)m; }
#endif
