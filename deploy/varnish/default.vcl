vcl 4.1;

# Varnish in front of the image servers, taking purges from IpsApi.
#
#   PURGE <path?query>  with Host: <the URL's host>  removes exactly that object (every Vary
#                       variant of it). Query strings are part of the object: ?$thumb$ is its own.
#   BAN <anything>      with Host and X-Ban-Url: <regex over path?query> invalidates every matching
#                       object of that host, e.g. all query variants of one path with
#                       X-Ban-Url: ^/is/image/Root/shoe(\?|$). The expression reads only obj.*
#                       (x-url, x-host stored at fetch), so the ban lurker can clear it in the background.
#
# Only the addresses in acl purgers may purge or ban; anyone else gets 403. A purge answers
# 200 Purged, which is what IpsApi's workers count as done. Set the backend to your image server,
# and the ACL to the addresses your IpsApi nodes purge from: 172.28.0.0/24 is the "purge" network of
# docker-compose.yml, which only the ipsapi and worker containers (and Varnish) join.

backend default {
    .host = "127.0.0.1";
    .port = "8081";
}

acl purgers {
    "127.0.0.1";
    "::1";
    "172.28.0.0"/24;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        return (purge);
    }

    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.X-Ban-Url) {
            return (synth(400, "X-Ban-Url is required"));
        }
        ban("obj.http.x-host == " + req.http.host + " && obj.http.x-url ~ " + req.http.X-Ban-Url);
        return (synth(200, "Banned"));
    }
}

sub vcl_purge {
    # Varnish's own answer too; said here because IpsApi reads it.
    return (synth(200, "Purged"));
}

sub vcl_backend_response {
    # Kept on the object for lurker-friendly bans; removed again before delivery.
    set beresp.http.x-url = bereq.url;
    set beresp.http.x-host = bereq.http.host;
}

sub vcl_deliver {
    unset resp.http.x-url;
    unset resp.http.x-host;
}
