#include "mail_text.hpp"

#include <gmime/gmime.h>

#include <regex>

namespace gatehouse::e2e {

// The words decoded one by one (the space between two words is not text). GMime 3.2 decodes a folded
// Subject whose first word ends in base64 padding without its later words (it joins the words' base64
// before decoding), so it is not asked to decode the whole header.
std::string subject_of(const std::string& header) {
    static const std::regex word(R"(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)");
    std::string out;
    std::size_t last = 0;
    for (auto it = std::sregex_iterator(header.begin(), header.end(), word); it != std::sregex_iterator(); ++it) {
        const auto between = header.substr(last, static_cast<std::size_t>(it->position()) - last);
        if (last == 0 || between.find_first_not_of(" \t\r\n") != std::string::npos) out += between;
        char* decoded = g_mime_utils_header_decode_text(nullptr, it->str().c_str());
        out += decoded;
        g_free(decoded);
        last = static_cast<std::size_t>(it->position() + it->length());
    }
    return out + header.substr(last);
}

Decoded decode(const Mail& mail) {
    static const bool ready = (g_mime_init(), true);
    (void)ready;
    const std::string& raw = mail.raw;
    Decoded out;
    out.subject = subject_of(mail.subject);
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
    if (message) {
        GMimePartIter* parts = g_mime_part_iter_new(GMIME_OBJECT(message));
        do {
            GMimeObject* part = g_mime_part_iter_get_current(parts);
            if (!part || !GMIME_IS_TEXT_PART(part)) continue;
            char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
            if (!text) continue;
            const bool html = g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "html");
            (html ? out.html : out.text) = text;
            g_free(text);
        } while (g_mime_part_iter_next(parts));
        g_mime_part_iter_free(parts);
        g_object_unref(message);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    return out;
}

}  // namespace gatehouse::e2e
