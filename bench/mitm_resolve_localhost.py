# mitmdump addon for the bench: connect `*.localhost` upstreams to 127.0.0.1,
# as bench/resolveLocalhost.ts does for the Node proxies (glibc here does not
# resolve subdomains of localhost). Nothing else is changed.


def server_connect(data):
    address = data.server.address
    if address and str(address[0]).lower().rstrip(".").endswith(".localhost"):
        data.server.address = ("127.0.0.1", address[1])
