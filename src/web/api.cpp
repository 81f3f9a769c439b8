#include "gatehouse/web/api.hpp"

#include "gatehouse/accounts/users.hpp"

#include <strings.h>

namespace gatehouse::web {

std::optional<std::string> api_field(const http::Request& request, const char* name) {
    if (request.json) {
        if (!request.json->is_object()) return std::nullopt;
        auto it = request.json->find(name);
        if (it == request.json->end() || it->is_null()) return std::nullopt;
        if (it->is_string()) return it->get<std::string>();
        if (it->is_number() || it->is_boolean()) return it->dump();
        return std::string();  // objects and arrays are not a text value
    }
    return request.form_field(name);
}

std::string api_field_or_empty(const http::Request& request, const char* name) {
    return api_field(request, name).value_or("");
}

std::optional<http::Response> require_fields(const Context& ctx, const http::Request& request, std::initializer_list<const char*> names) {
    accounts::FieldErrors errors;
    for (const char* name : names) {
        auto value = api_field(request, name);
        if (!value) errors[name].push_back("This field is required.");
        else if (value->empty()) errors[name].push_back("This field may not be blank.");
    }
    if (errors.empty()) return std::nullopt;
    return api_validation(ctx, errors);
}

std::optional<std::string> api_patch_field(const http::Request& request, const char* name) {
    if (request.json && request.json->is_object()) {
        auto it = request.json->find(name);
        if (it == request.json->end()) return std::nullopt;
        if (it->is_null()) return std::string();
    }
    return api_field(request, name);
}

accounts::SignupInput api_signup_input(const http::Request& req) {
    accounts::SignupInput input;
    input.email = api_field_or_empty(req, "email");
    input.name = api_field_or_empty(req, "name");
    input.password1 = api_field_or_empty(req, "password");
    input.password2 = api_field_or_empty(req, "password2");
    input.first_name = api_field_or_empty(req, "first_name");
    input.last_name = api_field_or_empty(req, "last_name");
    input.phone = api_field_or_empty(req, "phone");
    input.date_of_birth = api_field_or_empty(req, "date_of_birth");
    input.gender = api_field_or_empty(req, "gender");
    return input;
}

accounts::FieldErrors api_signup_errors(accounts::FieldErrors errors) {
    if (auto it = errors.find("password1"); it != errors.end()) {
        errors["password"] = it->second;
        errors.erase(it);
    }
    // The password rules are about `password`; only the mismatch is about `password2`.
    if (auto it = errors.find("password2"); it != errors.end()) {
        std::vector<std::string> keep;
        for (auto& message : it->second)
            (message.starts_with("The two password") || message == "This field is required." ? keep : errors["password"])
                .push_back(message);
        if (keep.empty()) errors.erase("password2");
        else errors["password2"] = keep;
    }
    return errors;
}

accounts::ProfileInput api_profile_input(const http::Request& req) {
    return {api_patch_field(req, "name"),  api_patch_field(req, "first_name"),    api_patch_field(req, "last_name"),
            api_patch_field(req, "phone"), api_patch_field(req, "date_of_birth"), api_patch_field(req, "gender")};
}

http::Response api_detail(int status, const std::string& detail, const std::string& code) {
    return http::Response::json(status, {{"detail", detail}, {"code", code}});
}

http::Response api_validation(const Context& ctx, const accounts::FieldErrors& errors) { return api_answer(ctx, accounts::refuse_fields(errors)); }

accounts::ClientInfo api_client(const http::Request& request) {
    return {request.remote_addr, request.header("user-agent")};
}

std::expected<accounts::ApiPrincipal, http::Response> api_authenticate(Context& ctx, const http::Request& request,
                                                                       accounts::Lookup lookup) {
    const std::string header = request.header("authorization");
    const auto space = header.find(' ');
    const std::string scheme = header.substr(0, space);
    std::string credential = space == std::string::npos ? std::string() : header.substr(space + 1);
    while (!credential.empty() && credential.front() == ' ') credential.erase(0, 1);
    auto remembered = [&ctx](accounts::ApiPrincipal principal) {
        if (ctx.language_stated) accounts::remember_language(ctx.accounts, principal.user, ctx.language);
        return principal;
    };
    if (strcasecmp(scheme.c_str(), "Bearer") == 0 && !credential.empty()) {
        if (auto principal = accounts::authenticate_access(ctx.accounts, credential)) return remembered(*principal);
        return std::unexpected(api_answer(ctx, accounts::Outcome::AccessTokenInvalid));
    }
    if (strcasecmp(scheme.c_str(), "Token") == 0 && !credential.empty()) {
        if (auto principal = accounts::authenticate_token(ctx.accounts, credential, lookup)) return remembered(*principal);
        return std::unexpected(api_answer(ctx, accounts::Outcome::ApiTokenInvalid));
    }
    return std::unexpected(api_answer(ctx, accounts::Outcome::NotAuthenticated));
}

}  // namespace gatehouse::web
