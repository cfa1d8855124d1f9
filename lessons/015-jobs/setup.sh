kubectl create cronjob report --image=busybox:1.36 --schedule='0 6 * * 1' -- echo weekly report
