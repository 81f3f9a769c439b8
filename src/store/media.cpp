#include "gatehouse/store/media.hpp"

#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/errors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gatehouse::store {
namespace {

[[noreturn]] void fail(const std::string& what) {
    throw core::Unavailable("media: " + what + ": " + std::strerror(errno));
}

}  // namespace

bool MediaStore::is_media_name(std::string_view name) {
    if (name.size() != 36 || !(name.ends_with(".jpg") || name.ends_with(".png"))) return false;
    for (char ch : name.substr(0, 32))
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
    return true;
}

std::string MediaStore::put(std::string_view bytes, std::string_view extension) {
    const std::string name = core::random_hex(16) + std::string(extension);
    const std::string path = dir_ + "/" + name;
    const std::string temp = dir_ + "/." + name + ".tmp";  // hidden: nginx serves no dot-file names
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot create " + temp);
    ::fchmod(fd, 0644);  // whatever the umask: nginx's workers read it
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            errno = saved;
            fail("cannot write " + temp);
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    if (::close(fd) != 0 || !synced || ::rename(temp.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        fail("cannot write " + path);
    }
    return name;
}

void MediaStore::remove(std::string_view name) {
    if (!is_media_name(name)) return;
    ::unlink((dir_ + "/" + std::string(name)).c_str());
}

}  // namespace gatehouse::store
