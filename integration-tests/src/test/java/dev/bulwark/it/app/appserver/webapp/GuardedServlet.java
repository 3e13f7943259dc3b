package dev.bulwark.it.app.appserver.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /<context>/guarded?op=limiter}: runs the operation on the request thread and answers its result. */
public class GuardedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final GuardedCalls calls = new GuardedCalls();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getOutputStream().write(calls.apply(request.getParameter("op")).getBytes(StandardCharsets.UTF_8));
    }
}
