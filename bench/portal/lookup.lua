-- POST /paga (notice look-up) with the CSRF cookie and token fetched by run.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("PORTAL_COOKIE")
wrk.body = "csrf=" .. os.getenv("PORTAL_CSRF") .. "&avviso=" .. os.getenv("PORTAL_NOTICE") ..
  "&cf=" .. os.getenv("PORTAL_CF")
done = function(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
